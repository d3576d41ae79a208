from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.scale import BENCH_PASSWORD, generate


class Command(BaseCommand):
    help = (
        "Builds the national data set of the benchmark, repeatable from --seed: the 34 "
        "provinces with their 3,321 units and 14 departments each, ROUNDS rounds per province "
        "with a session for every unit in every round, RECOMMENDATIONS recommendations "
        "(default 1,000,000) with about five lifecycle events each, and difficulties, "
        "directives and responses in the benchmark's proportions (30 %, 50 %, 20 % of the "
        "recommendations). Adds benchmark accounts bench.office, bench.head, bench.staff, "
        "bench.leader and bench.national (password langson2025). Rows are written with COPY "
        "on PostgreSQL. Meant for an empty database; refuses production settings. Prints "
        "the rows written per table and the time taken."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recommendations", type=int, default=1_000_000)
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("generate_scale creates accounts with a known password: it does "
                               "not run under production settings.")
        counts = generate(recommendations=options["recommendations"], seed=options["seed"],
                          rounds=options["rounds"])
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Outside any transaction (tests run in one): VACUUM fills the visibility map that
            # lets a count read an index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        for table, rows in sorted(counts.rows.items()):
            self.stdout.write(f"  {table:<45} {rows:>10,}")
        self.stdout.write(self.style.SUCCESS(
            f"Done in {counts.seconds:.0f} s. Benchmark accounts: bench.* / {BENCH_PASSWORD}"))
