// The typed error of the search language: format-error maps INVALID_FILTER to BAD_USER_INPUT and keeps `position`.
export type SearchFilterErrorCode = 'INVALID_FILTER';

export class SearchFilterError extends Error {
  readonly code: SearchFilterErrorCode = 'INVALID_FILTER';

  constructor(
    message: string,
    /** 0-based character offset into the filter (or order-by term) where the problem starts. */
    readonly position: number,
    /** Which input the position refers to: `filter`, or `orderBy[i]`. */
    readonly input: string = 'filter',
  ) {
    super(message);
    this.name = 'SearchFilterError';
  }
}
