"""Shared fixtures for the insights' tests: Spark local mode, once a session."""

import logging
import os
import shutil

import ibis
import pytest


@pytest.fixture(scope="session")
def spark_con():
    """An Ibis backend on Spark local mode (one core, no UI), or the test is skipped with the
    reason: Java or pyspark missing."""
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("Spark needs Java, and there is none on this machine (no java, no JAVA_HOME)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (a test dependency)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("levelfield-insights-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield ibis.pyspark.connect(session)
    session.stop()
    # py4j says it closes its gateway at interpreter exit, after pytest has closed the streams
    # its log goes to ("--- Logging error ---" at the end of the run): nothing worth saying.
    logging.getLogger("py4j").setLevel(logging.WARNING)
