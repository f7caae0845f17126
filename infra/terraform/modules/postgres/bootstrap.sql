-- Creates the two roles Phantom expects (docs/operations.md, "Database roles") and hands
-- the database to the owner. Run by psql as RDS's master user, with the variables
-- owner, owner_password, app, app_password and db (psql -v). Idempotent: a second run
-- only resets the two passwords to the ones given.
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'owner', :'owner_password') \gexec
-- NOSUPERUSER and NOBYPASSRLS are the defaults: row-level security applies to the app
SELECT format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', :'app')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'app', :'app_password') \gexec
-- the master user may hand the database over only to a role it can act as
SELECT format('GRANT %I TO CURRENT_USER', :'owner')
 WHERE NOT pg_has_role(CURRENT_USER, :'owner', 'MEMBER') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \gexec
-- PostgreSQL 15+: the public schema belongs to the database's owner (pg_database_owner)
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'app') \gexec
SELECT NOT (rolsuper OR rolbypassrls) AS app_is_restricted
  FROM pg_roles WHERE rolname = :'app' \gset
\if :app_is_restricted
\echo 'roles ready'
\else
DO $$ BEGIN RAISE EXCEPTION 'the application role must be neither superuser nor BYPASSRLS'; END $$;
\endif
