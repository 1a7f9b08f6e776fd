-- Landing holds one run's sources as read, until their gate passes.
DROP SCHEMA IF EXISTS landing CASCADE;
CREATE SCHEMA landing;
