// Page sizes the queries share (a refetch must use the same variables to refresh the same cache entry). A model's
// history asks each transition's gates with their evidence: 50 of them stay under the api's query complexity (5,000).
export const HISTORY_PAGE = 50;
