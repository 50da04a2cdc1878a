// MLflow serves every tracking route under /api/2.0/mlflow/… and again under /ajax-api/2.0/mlflow/… (its web UI).
export const MLFLOW_PREFIXES = ['api/2.0/mlflow', 'ajax-api/2.0/mlflow'] as const;
export const MLFLOW_ARTIFACTS_PREFIXES = ['api/2.0/mlflow-artifacts', 'ajax-api/2.0/mlflow-artifacts'] as const;

/** The paths of one tracking route under both prefixes, e.g. `tracking('runs/log-batch')`. */
export const tracking = (route: string): string[] => MLFLOW_PREFIXES.map((p) => `${p}/${route}`);

/** The paths of one artifact-proxy route under both prefixes. */
export const proxy = (route: string): string[] => MLFLOW_ARTIFACTS_PREFIXES.map((p) => `${p}/${route}`);
