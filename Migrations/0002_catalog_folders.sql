-- 0002_catalog_folders: ObjectNet's own folder names include a dash ("t-shirt"), which 0001's
-- check refused; allow dashes so every one of the 313 folders is stored as ObjectNet spells it.
ALTER TABLE classes DROP CONSTRAINT classes_folder_check;
ALTER TABLE classes ADD CONSTRAINT classes_folder_check CHECK (folder ~ '^[a-z0-9][a-z0-9_-]{0,99}$');
