"""run_sql.py's own logic on a stand-in SparkSession: arguments, reading and splitting the script, storage settings,
the order of statements, and the layout of what it writes. Run: python3 -m unittest discover -s infra/spark/tests"""
import io
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from standin import StandInSparkSession, run_sql  # noqa: E402

SCRIPT = """-- Pipeline trends job trends_daily as SparkApplication trends-daily-1
CREATE OR REPLACE TEMPORARY VIEW events_snapshot USING parquet OPTIONS (path 'abfss://snap@acct.dfs.core.windows.net/events/')
;
CREATE OR REPLACE TEMPORARY VIEW events AS SELECT id, type FROM events_snapshot WHERE CAST(`date` AS STRING) IN ('2024-05-01')
;
CREATE OR REPLACE TEMPORARY VIEW job_result AS
SELECT type, count(*) AS n FROM events WHERE type <> ';' GROUP BY type
;
INSERT OVERWRITE DIRECTORY 'abfss://snap@acct.dfs.core.windows.net/results/trends-daily-1/' USING parquet SELECT * FROM job_result
"""


class RunSqlTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.script = os.path.join(self.root, "job.sql")
        with open(self.script, "w", encoding="utf-8") as f:
            f.write(SCRIPT)
        self.session = StandInSparkSession(self.root)

    def tearDown(self):
        self.tmp.cleanup()

    def main(self, *args):
        err = io.StringIO()
        with redirect_stderr(err):
            code = run_sql.main(["run_sql.py", *args], session_factory=lambda: self.session)
        return code, err.getvalue()

    def test_usage_without_exactly_one_argument(self):
        for args in [(), ("a", "b"), (" ",)]:
            code, err = self.main(*args)
            self.assertEqual(2, code)
            self.assertIn("usage: run_sql.py <script uri>", err)
        self.assertEqual([], self.session.statements)

    def test_views_run_in_order_then_the_result_is_written_with_overwrite(self):
        code, _ = self.main(self.script)
        self.assertEqual(0, code)
        self.assertEqual([(self.script, True)], self.session.reads)
        self.assertEqual(4, len(self.session.statements))
        self.assertTrue(self.session.statements[0].startswith("-- Pipeline trends job"))
        self.assertIn("VIEW events_snapshot", self.session.statements[0])
        self.assertIn("VIEW events AS", self.session.statements[1])
        self.assertIn("WHERE type <> ';' GROUP BY type", self.session.statements[2])
        self.assertEqual("SELECT * FROM job_result", self.session.statements[3])
        self.assertEqual([("abfss://snap@acct.dfs.core.windows.net/results/trends-daily-1/", "overwrite", "SELECT * FROM job_result")],
                         self.session.writes)
        self.assertTrue(self.session.stopped)

    def test_written_layout_is_sparks_part_files_and_success_marker_under_the_result_prefix(self):
        out = os.path.join(self.root, "snap", "results", "trends-daily-1")
        os.makedirs(out)
        with open(os.path.join(out, "part-00000-stale-c000.snappy.parquet"), "wb") as f:
            f.write(b"old")
        self.assertEqual(0, self.main(self.script)[0])
        names = sorted(os.listdir(out))
        self.assertEqual("_SUCCESS", names[0])
        parts = [n for n in names if n.endswith(".parquet")]
        self.assertEqual(2, len(parts), names)
        self.assertTrue(all(n.startswith("part-0000") and n.endswith("-c000.snappy.parquet") for n in parts))
        self.assertNotIn("part-00000-stale-c000.snappy.parquet", names, "overwrite must replace the previous run's files")

    def test_storage_key_is_set_for_dfs_and_blob_endpoints_only_when_both_values_are_present(self):
        run_sql.configure_storage(self.session, {"AZURE_STORAGE_ACCOUNT_NAME": "acct"})
        self.assertEqual({}, self.session.hadoop.values)
        run_sql.configure_storage(self.session, {"AZURE_STORAGE_ACCOUNT_NAME": "acct", "AZURE_STORAGE_ACCOUNT_KEY": "k=="})
        self.assertEqual({"fs.azure.account.key.acct.dfs.core.windows.net": "k==",
                          "fs.azure.account.key.acct.blob.core.windows.net": "k=="}, self.session.hadoop.values)

    def test_escaped_quotes_in_the_result_directory_are_unescaped(self):
        _, directory, query = run_sql.plan(["INSERT OVERWRITE DIRECTORY 'file:///tmp/o\\'brien/' USING parquet SELECT 1"])
        self.assertEqual("file:///tmp/o'brien/", directory)
        self.assertEqual("SELECT 1", query)

    def test_a_script_without_the_result_statement_is_refused_before_running_anything(self):
        with open(self.script, "w", encoding="utf-8") as f:
            f.write("CREATE TEMPORARY VIEW a AS SELECT 1\n;\nSELECT * FROM a\n")
        code, err = self.main(self.script)
        self.assertEqual(3, code)
        self.assertIn("INSERT OVERWRITE DIRECTORY", err)
        self.assertEqual([], self.session.statements)
        self.assertEqual([], self.session.writes)
        self.assertTrue(self.session.stopped)

    def test_empty_and_separator_only_scripts_hold_no_statements(self):
        self.assertEqual([], run_sql.split_statements("\n;\n;\n"))
        self.assertEqual(["SELECT 1", "SELECT 2"], run_sql.split_statements("SELECT 1\n;\nSELECT 2;\n;\n"))
        self.assertEqual(["SELECT 1"], run_sql.split_statements("SELECT 1\r\n;\r\n-- only a comment\r\n"))
        with self.assertRaises(run_sql.ScriptError):
            run_sql.plan([])


if __name__ == "__main__":
    unittest.main()
