"""Django's PostgreSQL backend, with a client-side deadline on the server's answers.

``statement_timeout`` is enforced by the server, so it cannot help when the server itself hangs
(its processes stopped, a network partition that drops packets): the client would wait forever,
and gunicorn would kill the worker after 30 s without any answer reaching the reader. With
``OPTIONS["answer_deadline"]`` (seconds) a connection that waits longer than that for the server
is closed and the query fails with an ``OperationalError``, which the middleware answers with 503.
"""

import psycopg
from django.db.backends.postgresql import base
from psycopg import errors


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that gives up on a server silent for ``answer_deadline`` seconds."""

    answer_deadline: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        """Consume ``gen`` like psycopg does, but never wait past the deadline."""
        if timeout is None:
            timeout = self.answer_deadline
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except errors._WaitTimeout:
            # The protocol state is unknown after a partial exchange: the connection is unusable.
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {timeout:g} s"
            ) from None


class DatabaseWrapper(base.DatabaseWrapper):
    """The postgresql backend, reading the forum's extra option ``answer_deadline``."""

    def get_connection_params(self):
        params = super().get_connection_params()
        self._answer_deadline = params.pop("answer_deadline", None)
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self._answer_deadline:
            # Same layout, one method more: psycopg builds the instance, we only narrow its class.
            connection.__class__ = DeadlineConnection
            connection.answer_deadline = self._answer_deadline
        return connection
