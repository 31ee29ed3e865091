"""The advisory locks that serialise appends to the audit chains, shared by the Python path
(editorial.audit.chain) and the PostgreSQL trigger (editorial.audit.pg), so both take the same
locks in the same order."""

# Above this many articles in one statement, one exclusive lock on all chains replaces the
# per-article locks (see the docstring of editorial.audit.pg, point 1). The staleness sweep is the
# only writer that big.
LOCK_MANY = 1000
LOCK_SQL = "hashtext('imprimatur.audit'), mod({id}, 2147483647)::int"
LOCK_ALL_SQL = "hashtext('imprimatur.audit.all'), 0"
# Whether this transaction already holds the chains' lock in shared mode (pg_locks shows a
# two-key advisory lock as classid = key 1, objid = key 2, objsubid = 2).
HOLDS_SHARED_SQL = (
    "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory'"
    " AND l.pid = pg_backend_pid() AND l.classid = hashtext('imprimatur.audit.all')::oid"
    " AND l.objid = 0 AND l.objsubid = 2 AND l.mode = 'ShareLock')"
)
