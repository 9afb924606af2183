#!/usr/bin/env python3
"""Start Currant work from Python with its ordinary PostgreSQL driver (psycopg2); .NET workers run it.

No Currant library is needed: currant.enqueue() and currant.send_signal() are SQL functions (README, "From any
language"). Each call runs in the caller's transaction, so it commits (or rolls back) with the caller's own writes.

    CURRANT_PG_DSN="host=localhost dbname=app user=app" python3 currant_sql.py enqueue SendEmail '["a@x.io", "Hi", "..."]'
    python3 currant_sql.py enqueue ProcessOrder '["order-1", 5000]' --queue orders --key order-1
    python3 currant_sql.py signal 0190a5c4-... Approve '["ana"]'

Prints the new execution's id (enqueue) or "ok" (signal); a bad call prints PostgreSQL's message and exits 1.
"""
import argparse
import os
import sys

import psycopg2


def enqueue(cursor, name, args, queue=None, priority=None, key=None):
    cursor.execute(
        "SELECT currant.enqueue(%s, %s::jsonb, queue => %s, priority => %s, idempotency_key => %s)",
        (name, args, queue, priority, key),
    )
    return cursor.fetchone()[0]


def send_signal(cursor, workflow_id, name, payload=None):
    cursor.execute("SELECT currant.send_signal(%s::uuid, %s, %s::jsonb)", (workflow_id, name, payload))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    e = commands.add_parser("enqueue")
    e.add_argument("name")
    e.add_argument("args", help="a JSON array, one value per parameter")
    e.add_argument("--queue")
    e.add_argument("--priority", type=int)
    e.add_argument("--key", help="idempotency key: a repeat returns the first id")
    s = commands.add_parser("signal")
    s.add_argument("workflow_id")
    s.add_argument("name")
    s.add_argument("payload", nargs="?", help="JSON; omitted is JSON null")
    options = parser.parse_args()

    try:
        with psycopg2.connect(os.environ["CURRANT_PG_DSN"]) as connection, connection.cursor() as cursor:
            if options.command == "enqueue":
                print(enqueue(cursor, options.name, options.args, options.queue, options.priority, options.key))
            else:
                send_signal(cursor, options.workflow_id, options.name, options.payload)
                print("ok")
    except psycopg2.Error as error:
        print(f"error: {error.pgerror or error}".strip(), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
