-- 0005_task_references_setwise: tasks keep their references to task_batches, workers, rotations,
-- viewpoints and rooms, but an INSERT checks them once per statement instead of once per row.
--
-- Why: a declarative foreign key runs one lookup query per inserted row and per key. With five keys,
-- storing a 1,000,000-task batch spent about 40 of its 48 seconds in those 5,000,000 lookups, while
-- a batch only ever names a few hundred distinct ids. The triggers below keep the same rules:
--   * INSERT: every distinct referenced id is looked up once and key-share locked, as a foreign key
--     locks it, so a concurrent DELETE of a worker, room, ... waits for the batch and then fails;
--   * UPDATE of a reference column: the new ids are checked the same way;
--   * DELETE, UPDATE of the id, or TRUNCATE of a referenced row still referenced by a task is refused.
-- Violations raise SQLSTATE 23503 (foreign_key_violation) under the constraint names the foreign keys
-- had, so error handling does not change.

ALTER TABLE tasks
    DROP CONSTRAINT tasks_batch_id_fkey,
    DROP CONSTRAINT tasks_worker_id_fkey,
    DROP CONSTRAINT tasks_rotation_id_fkey,
    DROP CONSTRAINT tasks_viewpoint_id_fkey,
    DROP CONSTRAINT tasks_room_id_fkey;

-- Refuses unless every id in `wanted` exists in `referenced`; locks those rows FOR KEY SHARE.
CREATE FUNCTION tasks_require_ids(wanted integer[], referenced regclass, key text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    found integer;
    missing integer;
BEGIN
    EXECUTE format('SELECT count(*) FROM (SELECT id FROM %s WHERE id = ANY ($1) FOR KEY SHARE) AS locked', referenced)
        INTO found USING wanted;
    IF found < cardinality(wanted) THEN
        EXECUTE format('SELECT w FROM unnest($1) AS w WHERE NOT EXISTS (SELECT 1 FROM %s AS r WHERE r.id = w) LIMIT 1', referenced)
            INTO missing USING wanted;
        RAISE EXCEPTION 'insert or update on table "tasks" violates foreign key constraint "tasks_%_fkey"', key
            USING ERRCODE = 'foreign_key_violation', TABLE = 'tasks', CONSTRAINT = format('tasks_%s_fkey', key),
                  DETAIL = format('Key (%s)=(%s) is not present in table "%s".', key, missing, referenced);
    END IF;
END
$$;

-- One pass over the inserted rows: the distinct reference combinations are few (workers x rotations x
-- viewpoints x rooms at most), so the per-key id lists come from that small set.
CREATE FUNCTION tasks_check_inserted_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    batches integer[];
    workers integer[];
    rotations integer[];
    viewpoints integer[];
    rooms integer[];
BEGIN
    WITH combinations AS (SELECT DISTINCT batch_id, worker_id, rotation_id, viewpoint_id, room_id FROM inserted)
    SELECT array_agg(DISTINCT batch_id), array_agg(DISTINCT worker_id), array_agg(DISTINCT rotation_id),
           array_agg(DISTINCT viewpoint_id), array_agg(DISTINCT room_id)
    INTO batches, workers, rotations, viewpoints, rooms
    FROM combinations;
    IF batches IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM tasks_require_ids(batches, 'task_batches', 'batch_id');
    PERFORM tasks_require_ids(workers, 'workers', 'worker_id');
    PERFORM tasks_require_ids(rotations, 'rotations', 'rotation_id');
    PERFORM tasks_require_ids(viewpoints, 'viewpoints', 'viewpoint_id');
    PERFORM tasks_require_ids(rooms, 'rooms', 'room_id');
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_references_on_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_check_inserted_references();

-- Updates of a reference are rare (nothing in Vantage does one), so a row trigger is enough.
CREATE FUNCTION tasks_check_updated_references() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tasks_require_ids(ARRAY[NEW.batch_id], 'task_batches', 'batch_id');
    PERFORM tasks_require_ids(ARRAY[NEW.worker_id], 'workers', 'worker_id');
    PERFORM tasks_require_ids(ARRAY[NEW.rotation_id::integer], 'rotations', 'rotation_id');
    PERFORM tasks_require_ids(ARRAY[NEW.viewpoint_id::integer], 'viewpoints', 'viewpoint_id');
    PERFORM tasks_require_ids(ARRAY[NEW.room_id::integer], 'rooms', 'room_id');
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_references_on_update AFTER UPDATE OF batch_id, worker_id, rotation_id, viewpoint_id, room_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_check_updated_references();

-- The referenced side: TG_ARGV[0] is the tasks column that points at this table's id.
CREATE FUNCTION tasks_refuse_referenced_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    referenced boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- After the truncation: when tasks was truncated in the same statement, nothing refers any more.
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM tasks WHERE %I IS NOT NULL)', TG_ARGV[0]) INTO referenced;
    ELSE
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM tasks WHERE %I = $1)', TG_ARGV[0]) INTO referenced USING OLD.id;
    END IF;
    IF referenced THEN
        RAISE EXCEPTION 'update or delete on table "%" violates foreign key constraint "tasks_%_fkey" on table "tasks"',
            TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = format('tasks_%s_fkey', TG_ARGV[0]),
                  DETAIL = CASE WHEN TG_OP = 'TRUNCATE' THEN 'Table "tasks" still references it.'
                                ELSE format('Key (id)=(%s) is still referenced from table "tasks".', OLD.id) END;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_reference_batch AFTER DELETE OR UPDATE OF id ON task_batches
    FOR EACH ROW EXECUTE FUNCTION tasks_refuse_referenced_change('batch_id');
CREATE TRIGGER tasks_reference_worker AFTER DELETE OR UPDATE OF id ON workers
    FOR EACH ROW EXECUTE FUNCTION tasks_refuse_referenced_change('worker_id');
CREATE TRIGGER tasks_reference_rotation AFTER DELETE OR UPDATE OF id ON rotations
    FOR EACH ROW EXECUTE FUNCTION tasks_refuse_referenced_change('rotation_id');
CREATE TRIGGER tasks_reference_viewpoint AFTER DELETE OR UPDATE OF id ON viewpoints
    FOR EACH ROW EXECUTE FUNCTION tasks_refuse_referenced_change('viewpoint_id');
CREATE TRIGGER tasks_reference_room AFTER DELETE OR UPDATE OF id ON rooms
    FOR EACH ROW EXECUTE FUNCTION tasks_refuse_referenced_change('room_id');

CREATE TRIGGER tasks_reference_batch_truncate AFTER TRUNCATE ON task_batches
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_refuse_referenced_change('batch_id');
CREATE TRIGGER tasks_reference_worker_truncate AFTER TRUNCATE ON workers
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_refuse_referenced_change('worker_id');
CREATE TRIGGER tasks_reference_rotation_truncate AFTER TRUNCATE ON rotations
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_refuse_referenced_change('rotation_id');
CREATE TRIGGER tasks_reference_viewpoint_truncate AFTER TRUNCATE ON viewpoints
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_refuse_referenced_change('viewpoint_id');
CREATE TRIGGER tasks_reference_room_truncate AFTER TRUNCATE ON rooms
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_refuse_referenced_change('room_id');
