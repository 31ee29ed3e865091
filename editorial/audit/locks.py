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


def object_lock_sql(chain_sql: str) -> str:
    """The per-object lock of an object chain (ObjectAuditEntry): the chain's name is part of
    the key, so a board member's chain and an article's with the same id never share a lock.
    `chain_sql`: an SQL expression (a placeholder, TG_ARGV[1]); `{id}` is left to fill."""
    return f"hashtext('imprimatur.audit:' || {chain_sql}), mod({{id}}, 2147483647)::int"
