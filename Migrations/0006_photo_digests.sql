-- 0006_photo_digests: exact duplicates are refused by the database, not by a lookup that races.
--
-- Why: the upload path looked for another task's photo with the same bytes and then inserted, so the
-- same file sent to two tasks at the same moment was accepted twice. Every kept (accepted or flagged)
-- photo now claims the SHA-256 of its bytes as received and as stored; the primary key lets exactly
-- one upload hold a digest, and a second one waits for the first to commit, then sees it taken.
-- Claims are never released: a photo a reviewer rejects still names its bytes.

CREATE TABLE photo_digests (
    sha256    bytea  PRIMARY KEY CHECK (length(sha256) = 32),
    -- Set in the statement that records the photo; null only inside that transaction.
    photo_id  bigint REFERENCES photos (id)
);

INSERT INTO photo_digests (sha256, photo_id)
SELECT DISTINCT ON (digest) digest, id
FROM (
    SELECT upload_sha256 AS digest, id FROM photos WHERE verdict <> 'rejected'
    UNION ALL
    SELECT blob_sha256, id FROM photos WHERE verdict <> 'rejected' AND blob_sha256 IS NOT NULL
) kept
ORDER BY digest, id;
