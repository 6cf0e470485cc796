-- 0003_evaluation: a lease on evaluation chunks. 0001 can record that a chunk is done, but not that an
-- evaluator is working on it; without that, a claim would have to keep its row lock (an open transaction)
-- for the whole inference of the chunk. With the lease, a claim is a short FOR UPDATE SKIP LOCKED
-- transaction, and a chunk whose evaluator died is taken over once the lease runs out.
ALTER TABLE evaluation_chunks ADD COLUMN claimed_by text;
ALTER TABLE evaluation_chunks ADD COLUMN claimed_until timestamptz;
