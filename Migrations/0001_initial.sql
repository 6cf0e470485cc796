-- 0001_initial: the whole domain, so later work extends rather than redesigns.
-- Forward-only: never edit this file once it has landed; add 0002_... instead.

-- ImageNet-1k label space, in torchvision index order (index, WordNet id, name).
CREATE TABLE imagenet_classes (
    idx     integer PRIMARY KEY CHECK (idx BETWEEN 0 AND 999),
    wnid    text    NOT NULL UNIQUE CHECK (wnid ~ '^n[0-9]{8}$'),
    name    text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200)
);

-- Catalog classes: the 313 ObjectNet classes or a custom catalog.
CREATE TABLE classes (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    folder          text    UNIQUE CHECK (folder ~ '^[a-z0-9_]{1,100}$'),
    objectnet_id    integer UNIQUE CHECK (objectnet_id BETWEEN 0 AND 312),
    symmetry        text    NOT NULL DEFAULT 'none' CHECK (symmetry IN ('none', 'axial', 'spherical')),
    source          text    NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Many-to-one: several ImageNet ids can stand for one catalog class ("Alarm clock").
CREATE TABLE class_imagenet (
    class_id        integer NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    imagenet_idx    integer NOT NULL REFERENCES imagenet_classes (idx),
    PRIMARY KEY (class_id, imagenet_idx)
);
CREATE INDEX class_imagenet_by_imagenet ON class_imagenet (imagenet_idx);

-- Controls: chosen by the experimenter, independently of the class.
CREATE TABLE rooms (
    id      smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name    text     NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9-]{0,39}$'),
    active  boolean  NOT NULL DEFAULT true
);

-- Pitch convention: degrees of the camera's optical axis above the horizon;
-- -90 looks straight down (top), 0 looks level (side).
CREATE TABLE viewpoints (
    id              smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text     NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9-]{0,39}$'),
    pitch_degrees   real     NOT NULL CHECK (pitch_degrees BETWEEN -90 AND 90),
    active          boolean  NOT NULL DEFAULT true
);

-- Object poses as unit quaternions (w, x, y, z).
CREATE TABLE rotations (
    id              smallint PRIMARY KEY CHECK (id >= 0),
    qw              double precision NOT NULL,
    qx              double precision NOT NULL,
    qy              double precision NOT NULL,
    qz              double precision NOT NULL,
    description     text     NOT NULL,
    -- One representative per distinct pose of an axially symmetric object.
    axial_distinct  boolean  NOT NULL,
    -- The single pose offered for spherical objects.
    spherical       boolean  NOT NULL DEFAULT false,
    CHECK (abs(qw * qw + qx * qx + qy * qy + qz * qz - 1) < 1e-6)
);
CREATE UNIQUE INDEX rotations_one_spherical ON rotations (spherical) WHERE spherical;

-- Workers authenticate with a bearer token; only its SHA-256 is stored.
CREATE TABLE workers (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text    NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    anonymous_id    text    NOT NULL UNIQUE,
    token_hash      bytea   NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    status          text    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_hold', 'revoked')),
    hold_reason     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

CREATE TABLE worker_rooms (
    worker_id   integer  NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    room_id     smallint NOT NULL REFERENCES rooms (id),
    PRIMARY KEY (worker_id, room_id)
);

-- One `tasks generate` call: its seed and parameters, for reproducibility.
CREATE TABLE task_batches (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seed        bigint  NOT NULL,
    parameters  jsonb   NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
    id                  bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id            integer  NOT NULL REFERENCES task_batches (id),
    worker_id           integer  NOT NULL REFERENCES workers (id),
    -- The classes offered, in order; the worker photographs one they own.
    offered_class_ids   integer[] NOT NULL CHECK (cardinality(offered_class_ids) BETWEEN 1 AND 10),
    rotation_id         smallint NOT NULL REFERENCES rotations (id),
    viewpoint_id        smallint NOT NULL REFERENCES viewpoints (id),
    room_id             smallint NOT NULL REFERENCES rooms (id),
    status              text     NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    attempts            smallint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts        smallint NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    issued_at           timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    completed_at        timestamptz,
    CHECK (expires_at > issued_at),
    CHECK ((status = 'done') = (completed_at IS NOT NULL))
);
CREATE INDEX tasks_by_worker ON tasks (worker_id, status, expires_at);

-- Photos: every upload that got a verdict, rejected ones too (audit).
CREATE TABLE photos (
    id                  bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id           uuid     NOT NULL UNIQUE,
    task_id             bigint   NOT NULL REFERENCES tasks (id),
    worker_id           integer  NOT NULL REFERENCES workers (id),
    class_id            integer  NOT NULL REFERENCES classes (id),
    verdict             text     NOT NULL CHECK (verdict IN ('accepted', 'flagged', 'rejected')),
    review_status       text     NOT NULL CHECK (review_status IN ('not_needed', 'pending', 'approved', 'rejected')),
    -- SHA-256 of the bytes as received (retries) and of the stored bytes (blob key).
    upload_sha256       bytea    NOT NULL CHECK (length(upload_sha256) = 32),
    blob_sha256         bytea    CHECK (length(blob_sha256) = 32),
    byte_size           bigint   NOT NULL CHECK (byte_size >= 0),
    width               integer  CHECK (width > 0),
    height              integer  CHECK (height > 0),
    -- 64-bit perceptual hash, banded into four 16-bit keys for near-duplicate lookup.
    phash               bigint,
    phash_b0            integer  GENERATED ALWAYS AS ((phash >> 48) & 65535) STORED,
    phash_b1            integer  GENERATED ALWAYS AS ((phash >> 32) & 65535) STORED,
    phash_b2            integer  GENERATED ALWAYS AS ((phash >> 16) & 65535) STORED,
    phash_b3            integer  GENERATED ALWAYS AS (phash & 65535) STORED,
    device_pitch        real     CHECK (device_pitch BETWEEN -180 AND 180),
    device_roll         real     CHECK (device_roll BETWEEN -180 AND 180),
    captured_at         timestamptz,
    received_at         timestamptz NOT NULL DEFAULT now(),
    idempotency_key     text     CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    exif                jsonb    NOT NULL DEFAULT '{}',
    CHECK (verdict = 'rejected' OR blob_sha256 IS NOT NULL),
    CHECK ((verdict = 'flagged') = (review_status IN ('pending', 'approved', 'rejected')) OR verdict = 'rejected')
);
-- At most one photo that completed a task; rejected attempts do not count.
CREATE UNIQUE INDEX photos_one_per_task ON photos (task_id) WHERE verdict <> 'rejected';
CREATE UNIQUE INDEX photos_idempotency ON photos (worker_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX photos_by_upload_sha ON photos (upload_sha256);
CREATE INDEX photos_by_blob_sha ON photos (blob_sha256);
CREATE INDEX photos_phash_b0 ON photos (phash_b0);
CREATE INDEX photos_phash_b1 ON photos (phash_b1);
CREATE INDEX photos_phash_b2 ON photos (phash_b2);
CREATE INDEX photos_phash_b3 ON photos (phash_b3);
CREATE INDEX photos_review_queue ON photos (received_at) WHERE review_status = 'pending';
CREATE INDEX photos_by_worker ON photos (worker_id, verdict);

-- Every automatic check that fired, with its stable code and one human sentence.
CREATE TABLE photo_reasons (
    photo_id    bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    code        text   NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
    severity    text   NOT NULL CHECK (severity IN ('reject', 'flag')),
    message     text   NOT NULL,
    PRIMARY KEY (photo_id, code)
);

-- Human decisions: appended, never overwritten.
CREATE TABLE reviews (
    id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    photo_id    bigint  NOT NULL REFERENCES photos (id),
    reviewer    text    NOT NULL CHECK (length(reviewer) BETWEEN 1 AND 100),
    decision    text    NOT NULL CHECK (decision IN ('approve', 'reject', 'reopen')),
    reason_code text    CHECK (reason_code IN ('wrong_object', 'wrong_room', 'wrong_pose', 'wrong_viewpoint',
                                               'blurry', 'screen_photo', 'face_or_private', 'shared_background',
                                               'duplicate', 'other')),
    note        text    CHECK (length(note) <= 2000),
    decided_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((decision = 'reject') = (reason_code IS NOT NULL))
);
CREATE INDEX reviews_by_photo ON reviews (photo_id, decided_at);

-- Models known to the evaluator, as their manifests describe them.
CREATE TABLE models (
    name            text    PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    onnx_sha256     text    NOT NULL CHECK (onnx_sha256 ~ '^[0-9a-f]{64}$'),
    input_size      integer NOT NULL CHECK (input_size BETWEEN 16 AND 2048),
    label_space     text    NOT NULL,
    reported_top1   real    CHECK (reported_top1 BETWEEN 0 AND 100),
    manifest        jsonb   NOT NULL,
    registered_at   timestamptz NOT NULL DEFAULT now()
);

-- One evaluation: a set of images (curated and control) times a set of models.
CREATE TABLE evaluation_runs (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parameters  jsonb   NOT NULL,
    status      text    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE evaluation_images (
    run_id          integer  NOT NULL REFERENCES evaluation_runs (id) ON DELETE CASCADE,
    image_id        integer  NOT NULL CHECK (image_id >= 0),
    split           text     NOT NULL CHECK (split IN ('curated', 'control')),
    file            text     NOT NULL,
    photo_id        bigint   REFERENCES photos (id),
    class_id        integer  REFERENCES classes (id),
    imagenet_idx    integer  REFERENCES imagenet_classes (idx),
    rotation_id     smallint REFERENCES rotations (id),
    viewpoint_id    smallint REFERENCES viewpoints (id),
    room_id         smallint REFERENCES rooms (id),
    PRIMARY KEY (run_id, image_id),
    UNIQUE (run_id, split, file)
);

-- Units of work, claimed with FOR UPDATE SKIP LOCKED by any number of evaluators.
CREATE TABLE evaluation_chunks (
    run_id          integer NOT NULL REFERENCES evaluation_runs (id) ON DELETE CASCADE,
    model           text    NOT NULL REFERENCES models (name),
    chunk           integer NOT NULL CHECK (chunk >= 0),
    first_image     integer NOT NULL,
    last_image      integer NOT NULL,
    done_at         timestamptz,
    done_by         text,
    PRIMARY KEY (run_id, model, chunk),
    CHECK (last_image >= first_image)
);
CREATE INDEX evaluation_chunks_pending ON evaluation_chunks (run_id, model, chunk) WHERE done_at IS NULL;

-- Top-5 per image and model: over all 1000 ImageNet ids, and over the overlap ids.
CREATE TABLE predictions (
    run_id              integer  NOT NULL,
    image_id            integer  NOT NULL,
    model               text     NOT NULL REFERENCES models (name),
    top_imagenet        integer[] NOT NULL CHECK (cardinality(top_imagenet) BETWEEN 1 AND 5),
    top_scores          real[]    NOT NULL CHECK (cardinality(top_scores) BETWEEN 1 AND 5),
    top_overlap         integer[],
    top_overlap_scores  real[],
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, model, image_id),
    FOREIGN KEY (run_id, image_id) REFERENCES evaluation_images (run_id, image_id) ON DELETE CASCADE
);
