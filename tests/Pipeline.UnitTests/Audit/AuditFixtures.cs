// pipeline-audit:ignore — fixture repositories for the audit's own tests; their words are not evidence of this project's practice.
using LibGit2Sharp;
using Pipeline.Audit.Git;

namespace Pipeline.UnitTests.Audit;

/// <summary>A temporary folder removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("pipeline-audit-test-").FullName;

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            // libgit2 writes read-only object files.
            foreach (var f in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
    }
}

/// <summary>
/// Fixture repositories built with LibGit2Sharp, with fixed author dates, whose expected audit results are known exactly.
/// </summary>
public static class AuditFixtures
{
    public static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 12, 0, 0, TimeSpan.Zero);

    public const string TrainV1 = "import numpy\n";
    public const string TrainV2 = "import numpy\nimport mlflow\nmlflow.log_metric('accuracy', 1)\n";
    public const string TrainV3 = "import numpy\nimport mlflow\nmlflow.log_metric('accuracy', 2)\n";
    public const string TrainV4 = TrainV3 + "print('nightly')\n";
    public const string TrainV5 = TrainV4 + "# tuned for f1\n";

    public const string CiV1 = """
        name: CI
        on:
          push:
            branches: [main]
          pull_request:
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Test
                run: pytest -q

        """;

    public const string CiV2 = """
        name: CI
        on:
          push:
            branches: [main]
          pull_request:
          schedule:
            - cron: "0 3 * * *"
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Test
                run: pytest -q
          evaluate:
            needs: test
            runs-on: [self-hosted, gpu]
            steps:
              - uses: actions/checkout@v4
              - run: python -m src.evaluate

        """;

    /// <summary>
    /// Seven commits over January–March 2024: README/requirements/train.py, MLflow tracking, a CI workflow, DVC,
    /// a nightly schedule and Dockerfile, an exact rename train.py → training.py, one more change.
    /// </summary>
    public static string Analytics(TempDir dir, string name = "analytics", string? origin = null)
    {
        var path = dir.Sub(name);
        using var w = GitCommitWriter.Create(path);
        w.Put("README.md", "# Demo\nA model benchmark project.\n")
            .Put("requirements.txt", "numpy==1.26\n")
            .Put("src/train.py", TrainV1)
            .Commit("Initial commit with benchmark baseline", At(2024, 1, 10));
        w.Put("src/train.py", TrainV2)
            .Put("requirements.txt", "numpy==1.26\nmlflow==2.9\n")
            .Commit("Track accuracy with mlflow", At(2024, 1, 20));
        w.Put(".github/workflows/ci.yml", CiV1).Commit("Add CI", At(2024, 2, 5));
        w.Put("src/train.py", TrainV3)
            .Put("dvc.yaml", "stages:\n  train:\n    cmd: python src/train.py\n")
            .Commit("Evaluation pipeline with dvc", At(2024, 2, 15));
        w.Put("src/train.py", TrainV4)
            .Put(".github/workflows/ci.yml", CiV2)
            .Put("Dockerfile", "FROM python:3.12\nRUN pip install -r requirements.txt\n")
            .Commit("Nightly evaluation, docker image", At(2024, 3, 1));
        w.Move("src/train.py", "src/training.py").Commit("Rename train module", At(2024, 3, 20));
        w.Put("src/training.py", TrainV5).Commit("Tune f1", At(2024, 3, 25));
        if (origin is not null) w.Repository.Network.Remotes.Add("origin", origin);
        return path;
    }

    /// <summary>A project without any ML practice or CI: every ML Test Score test is 0.</summary>
    public static string Zero(TempDir dir)
    {
        var path = dir.Sub("zero");
        using var w = GitCommitWriter.Create(path);
        w.Put("README.md", "# Notes\nPersonal notes.\n").Put("src/app.js", "console.log('hi');\n").Commit("Start", At(2023, 5, 1));
        w.Put("src/app.js", "console.log('hello');\n").Commit("Greet", At(2023, 6, 2));
        return path;
    }

    public const string HighCi = """
        name: CI
        on:
          push:
            branches: [main]
          schedule:
            - cron: "0 4 * * 1"
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: pip install -r requirements.txt
              - run: pytest
              - run: great_expectations checkpoint run train_data
              - run: dvc repro
          retrain:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: python pipeline/retrain.py

        """;

    /// <summary>
    /// A repository with most ML Test Score evidence automated in CI (pytest, Great Expectations checkpoint, DVC, a weekly
    /// retraining cron, Dependabot, CODEOWNERS). Expected sections: data 6.5, model 6, infrastructure 6, monitoring 7; final 6.
    /// </summary>
    public static string High(TempDir dir)
    {
        var path = dir.Sub("high");
        using var w = GitCommitWriter.Create(path);
        w.Put(".github/workflows/ci.yml", HighCi)
            .Put(".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n")
            .Put("CODEOWNERS", "* @acme/ml-reviewers\n")
            .Put("params.yaml", "model:\n  kind: gradient_boosting\n  learning_rate: 0.1\n")
            .Put("requirements.txt", "mlflow==2.9.2\ndvc==3.30.0\ngreat-expectations==0.18.8\nevidently==0.4.11\nprometheus-client==0.19.0\n")
            .Put("dvc.yaml", "stages:\n  train:\n    cmd: python src/train.py\n")
            .Put("data/schema.json", "{\"fields\": [{\"name\": \"spend\", \"type\": \"float\", \"min\": 0}]}\n")
            .Put("src/features.py", """
                ALLOWED_FEATURES = ["spend", "visits"]


                def redact_pii(row):
                    return {k: v for k, v in row.items() if k != "email"}


                def featurize(row):
                    row = redact_pii(row)
                    return [row[name] for name in ALLOWED_FEATURES]

                """)
            .Put("src/train.py", """
                from sklearn.model_selection import GridSearchCV


                def train_model(rows, labels, champion=None):
                    search = GridSearchCV(None, {"max_depth": [2, 4]})
                    return search

                """)
            .Put("scripts/feature_cost_report.py", "FEATURE_COST = {\"spend\": 0.4, \"visits\": 0.1}\nprint(FEATURE_COST)\n")
            .Put("src/explain_tool.py", "def explain(model, row):\n    return model.coef_ * row\n")
            .Put("deploy/rollout.yaml", "spec:\n  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n")
            .Put("pipeline/retrain.py", "print('scheduled')\n")
            .Put("tests/test_features.py", """
                from src.features import featurize


                def test_featurize_keeps_allowed_columns():
                    assert featurize({"spend": 1.0, "visits": 2, "email": "a@b.c"}) == [1.0, 2]

                """)
            .Put("tests/test_training.py", """
                import math
                from src.train import train_model


                def test_training_is_reproducible():
                    assert train_model([], []) is not None


                def test_permutation_importance_positive():
                    assert True


                def test_rollback_restores_previous():
                    assert True


                def test_no_nan():
                    assert not math.isnan(0.0)

                """)
            .Put("tests/test_evaluation.py", """
                def test_offline_and_online_metrics_correlate():
                    online_metric = 0.9
                    assert online_metric > 0.5


                def test_beats_simple_model():
                    baseline = 0.5
                    assert 0.9 > baseline


                def test_per_class_accuracy():
                    assert True


                def test_groups_are_treated_alike():
                    fairness = {"group_a": 0.9, "group_b": 0.88}
                    assert abs(fairness["group_a"] - fairness["group_b"]) < 0.05


                def test_training_serving_skew():
                    assert True

                """)
            .Put("tests/integration/test_pipeline.py", "def test_pipeline_runs():\n    assert True\n")
            .Commit("ML project", At(2024, 4, 2));
        return path;
    }
}
