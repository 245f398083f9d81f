"""Runs a Pipeline trends job script with Spark SQL.

Usage: run_sql.py <script uri>

The script (written by Pipeline.Analytics.Spark.SparkScriptBuilder next to the snapshot in blob storage) holds
statements separated by lines that contain only ';': CREATE TEMPORARY VIEWs over the snapshot's Parquet
partitions and the views shared by the jobs, the job's SQL file wrapped as a view, and, last, an INSERT OVERWRITE DIRECTORY '<dir>' USING parquet
SELECT ... that names where the result goes. The views run as spark.sql statements; the result is written with the
DataFrame writer (mode overwrite, Parquet) to <dir>, which gives Spark's usual layout there: part-*.parquet files
and a _SUCCESS marker, the files Pipeline.Analytics.Spark.SparkJobService lists and reads back.
The storage account name and key come from the environment (secret pipeline-analytics-storage, keys
AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY); without them hadoop-azure uses its own configuration.
"""
import os
import re
import sys

SEPARATOR = "\n;\n"

_RESULT = re.compile(
    r"^INSERT\s+OVERWRITE\s+DIRECTORY\s+'((?:[^'\\]|\\.)*)'\s+USING\s+parquet\s+(.+)$", re.IGNORECASE | re.DOTALL)


class ScriptError(ValueError):
    """The script is not in the shape SparkScriptBuilder writes."""


def split_statements(text):
    """Statements in order: split on lines holding only ';', blank parts and a trailing ';' dropped.
    Comment-only lines (-- ...) are kept: Spark SQL ignores them."""
    text = text.replace("\r\n", "\n")
    parts = [p.strip() for p in ("\n" + text + "\n").split(SEPARATOR)]
    statements = []
    for part in parts:
        part = part.rstrip(";").strip()
        if part and not all(line.strip().startswith("--") or not line.strip() for line in part.split("\n")):
            statements.append(part)
    return statements


def plan(statements):
    """(view statements, result directory, result query). The last statement must be the INSERT OVERWRITE DIRECTORY."""
    if not statements:
        raise ScriptError("the script holds no statements")
    last = _strip_comments(statements[-1])
    match = _RESULT.match(last)
    if not match:
        raise ScriptError("the last statement must be INSERT OVERWRITE DIRECTORY '<dir>' USING parquet <query>, was: "
                          + last[:120])
    directory = re.sub(r"\\(.)", r"\1", match.group(1))
    if not directory:
        raise ScriptError("the result directory is empty")
    return statements[:-1], directory, match.group(2).strip()


def _strip_comments(statement):
    return "\n".join(line for line in statement.split("\n") if not line.strip().startswith("--")).strip()


def configure_storage(spark, environ):
    """Shared-key access for hadoop-azure (abfss:// and wasbs://) when the secret provides the account and key."""
    account = environ.get("AZURE_STORAGE_ACCOUNT_NAME")
    key = environ.get("AZURE_STORAGE_ACCOUNT_KEY")
    if not (account and key):
        return False
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    conf.set(f"fs.azure.account.key.{account}.dfs.core.windows.net", key)
    conf.set(f"fs.azure.account.key.{account}.blob.core.windows.net", key)
    return True


def read_script(spark, script_uri):
    """The script's text, read through Spark (so abfss:// works like for the data)."""
    rows = spark.read.text(script_uri, wholetext=True).collect()
    return "\n".join(row.value for row in rows)


def run(spark, script_uri, environ=None):
    """Runs the script on an existing session; returns the result directory."""
    configure_storage(spark, os.environ if environ is None else environ)
    views, directory, query = plan(split_statements(read_script(spark, script_uri)))
    for statement in views:
        spark.sql(statement)
    spark.sql(query).write.mode("overwrite").parquet(directory)
    return directory


def main(argv, session_factory=None):
    if len(argv) != 2 or not argv[1].strip():
        print("usage: run_sql.py <script uri>", file=sys.stderr)
        return 2
    if session_factory is None:
        from pyspark.sql import SparkSession  # only on the Spark image

        def session_factory():
            return SparkSession.builder.appName("pipeline-trends").getOrCreate()
    spark = session_factory()
    try:
        run(spark, argv[1])
    except ScriptError as e:
        print(f"run_sql.py: {argv[1]}: {e}", file=sys.stderr)
        return 3
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
