// Typed errors of the metrics library; callers map `code` once at their edge (CONTRIBUTING.md rule 6).

export type MetricsErrorCode =
  | 'INVALID_INPUT' // an accumulator input of the wrong shape (lengths, non-finite values)
  | 'MALFORMED_LABEL' // a YOLO label row that cannot be read (names file and line)
  | 'MALFORMED_ANNOTATIONS' // a COCO instances / predictions json that cannot be read
  | 'UNKNOWN_IMAGE' // a prediction for an image the ground truth does not hold
  | 'UNREADABLE_IMAGE' // an image whose header gives no size
  | 'ALREADY_FINISHED'; // add() after finish()

export interface MetricsErrorDetails {
  readonly file?: string;
  readonly line?: number;
  readonly imageId?: string | number;
}

export class MetricsError extends Error {
  readonly code: MetricsErrorCode;
  readonly details: MetricsErrorDetails;

  constructor(code: MetricsErrorCode, message: string, details: MetricsErrorDetails = {}) {
    super(message);
    this.name = 'MetricsError';
    this.code = code;
    this.details = details;
  }
}
