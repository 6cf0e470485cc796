-- 0004_review: the worker-quality policy, holds and releases, and append-only review history.

-- The hold policy (one row): a worker whose rejection rate, over the photos received since their
-- last release, exceeds max_rejection_rate once they have at least min_photos such photos is put on hold.
CREATE TABLE worker_quality_policy (
    singleton           boolean          PRIMARY KEY DEFAULT true CHECK (singleton),
    enabled             boolean          NOT NULL DEFAULT true,
    max_rejection_rate  double precision NOT NULL DEFAULT 0.5 CHECK (max_rejection_rate BETWEEN 0 AND 1),
    min_photos          integer          NOT NULL DEFAULT 20 CHECK (min_photos BETWEEN 1 AND 1000000),
    updated_at          timestamptz      NOT NULL DEFAULT now()
);
INSERT INTO worker_quality_policy DEFAULT VALUES;

-- Quality is judged on photos received since the last release, so a lifted hold holds until new
-- evidence accumulates instead of being re-imposed by the next upload.
ALTER TABLE workers ADD COLUMN quality_since timestamptz NOT NULL DEFAULT '-infinity';

-- Every hold and release, appended: who (a reviewer, or 'policy'), why, and the figures at the time.
CREATE TABLE worker_holds (
    id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id   integer NOT NULL REFERENCES workers (id),
    action      text    NOT NULL CHECK (action IN ('hold', 'release')),
    actor       text    NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
    reason      text    NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    photos      integer,
    rejected    integer,
    decided_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX worker_holds_by_worker ON worker_holds (worker_id, decided_at);

-- Applies the policy to one worker; true when it put them on hold. Runs inside the transaction
-- that changed their photos, so the upload or review that crosses the threshold holds them at once.
CREATE FUNCTION enforce_worker_quality(target integer) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    policy  worker_quality_policy%ROWTYPE;
    since   timestamptz;
    total   bigint;
    bad     bigint;
    message text;
BEGIN
    SELECT * INTO policy FROM worker_quality_policy;
    IF NOT FOUND OR NOT policy.enabled THEN
        RETURN false;
    END IF;
    SELECT quality_since INTO since FROM workers WHERE id = target AND status = 'active';
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE verdict = 'rejected' OR review_status = 'rejected')
      INTO total, bad
      FROM photos WHERE worker_id = target AND received_at >= since;
    IF total < policy.min_photos OR bad <= policy.max_rejection_rate * total THEN
        RETURN false;
    END IF;
    message := format('%s of %s photos rejected (%s%%), above the %s%% limit.',
                      bad, total, round(100.0 * bad / total, 1), round((100 * policy.max_rejection_rate)::numeric, 1));
    UPDATE workers SET status = 'on_hold', hold_reason = message WHERE id = target AND status = 'active';
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO worker_holds (worker_id, action, actor, reason, photos, rejected)
    VALUES (target, 'hold', 'policy', message, total, bad);
    RETURN true;
END
$$;

CREATE FUNCTION photos_enforce_worker_quality() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM enforce_worker_quality(NEW.worker_id);
    RETURN NULL;
END
$$;

-- Every new photo can cross the minimum count or the rate; of updates, only a reviewer's
-- rejection can raise the rate.
CREATE TRIGGER photos_quality_on_insert AFTER INSERT ON photos
    FOR EACH ROW EXECUTE FUNCTION photos_enforce_worker_quality();
CREATE TRIGGER photos_quality_on_review AFTER UPDATE OF review_status ON photos
    FOR EACH ROW WHEN (NEW.review_status = 'rejected' AND OLD.review_status IS DISTINCT FROM 'rejected')
    EXECUTE FUNCTION photos_enforce_worker_quality();

-- History is appended, never rewritten: refuse UPDATE and DELETE on the audit tables.
CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only; % refused', TG_TABLE_NAME, TG_OP;
END
$$;
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER worker_holds_append_only BEFORE UPDATE OR DELETE ON worker_holds
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
