"""Runs a Pipeline trends job script with Spark SQL.

The script (written by Pipeline.Analytics.Spark.SparkScriptBuilder next to the snapshot in blob storage) holds
statements separated by lines that contain only ';': a CREATE TEMPORARY VIEW events over the snapshot's Parquet
partitions, the job's SQL file wrapped as a view, and an INSERT OVERWRITE DIRECTORY that writes the result as Parquet.
The storage account key comes from the environment (secret pipeline-analytics-storage, key AZURE_STORAGE_ACCOUNT_KEY).
"""
import os
import sys

from pyspark.sql import SparkSession


def main(script_uri: str) -> None:
    spark = SparkSession.builder.appName("pipeline-trends").getOrCreate()
    account = os.environ.get("AZURE_STORAGE_ACCOUNT_NAME")
    key = os.environ.get("AZURE_STORAGE_ACCOUNT_KEY")
    if account and key:
        conf = spark.sparkContext._jsc.hadoopConfiguration()
        conf.set(f"fs.azure.account.key.{account}.dfs.core.windows.net", key)
        conf.set(f"fs.azure.account.key.{account}.blob.core.windows.net", key)
    text = "\n".join(row.value for row in spark.read.text(script_uri, wholetext=True).collect())
    statements = [s.strip() for s in text.split("\n;\n") if s.strip() and s.strip() != ";"]
    for statement in statements:
        spark.sql(statement.rstrip(";"))
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: run_sql.py <script uri>")
    main(sys.argv[1])
