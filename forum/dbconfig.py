"""How the forum talks to PostgreSQL: timeouts, prepared statements and cursors, by deployment.

Kept out of settings.py so that each rule can be tested with the environment it reacts to.
"""

from django.core.exceptions import ImproperlyConfigured

POOLER_MODES = ("none", "session", "transaction")


def database_options(
    *,
    pooler: str,
    prepared_statements: bool,
    disable_server_side_cursors: bool,
    connect_timeout: int,
    statement_timeout_ms: int,
    web: bool,
) -> dict:
    """The keys to merge into ``DATABASES["default"]`` (``OPTIONS`` included).

    ``pooler="transaction"`` (PgBouncer in transaction mode) hands each transaction to any server
    connection: a statement prepared on one is unknown (or already known) on the next, and a
    server-side cursor outlives its transaction's server connection. Both are turned off together.
    ``statement_timeout_ms``, the client-side deadline and JIT off apply to web processes only:
    commands (migrations, imports, exports) may legitimately run for minutes.
    """
    if pooler not in POOLER_MODES:
        raise ImproperlyConfigured(f"DATABASE_POOLER must be one of {', '.join(POOLER_MODES)}.")
    transaction_pooling = pooler == "transaction"
    options: dict = {"connect_timeout": connect_timeout}
    # Parameters bound by the server, and a statement run five times on a connection prepared
    # (planned once): the thread and posting queries are the same few statements over and over.
    if prepared_statements and not transaction_pooling:
        options.update({"server_side_binding": True, "prepare_threshold": 5})
    else:
        # psycopg prepares repeated statements by default too; None turns that off.
        options["prepare_threshold"] = None
    # PgBouncer refuses the "options" startup parameter: behind it, set these on the role
    # instead (README, "Running on many machines").
    server = []
    if web and not transaction_pooling:
        # No JIT compilation: the pages' queries are short, and compiling the first page of an
        # article of 30,000 threads took 27 ms of its 58 (its cost estimate passed jit_above_cost).
        server.append("-c jit=off")
        # Index reads priced as the cached reads they are (the default, 4, prices a disk seek):
        # with it, a 1,000-comment thread of a site of 20,000 members hashed the whole user
        # table (4.6 ms) to name its authors instead of looking up 965 of them (1 ms).
        server.append("-c random_page_cost=1.1")
    if web and statement_timeout_ms > 0:
        if not transaction_pooling:
            server.append(f"-c statement_timeout={statement_timeout_ms}")
        # A hung server cannot enforce its own timeout: the client stops waiting a little later.
        options["answer_deadline"] = statement_timeout_ms / 1000 + 1
    if server:
        options["options"] = " ".join(server)
    return {
        "ENGINE": "forum.db",
        "OPTIONS": options,
        "DISABLE_SERVER_SIDE_CURSORS": disable_server_side_cursors or transaction_pooling,
    }
