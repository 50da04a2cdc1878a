// The syntax tree of a searchRuns filter and order-by (MLflow's language plus OR and parentheses).

export type MetricAggregation = 'last' | 'min' | 'max';

export type Attribute = 'status' | 'name' | 'start_time' | 'end_time' | 'run_id' | 'kind' | 'created_by';

export type Target = { kind: 'metric'; key: string; aggregation: MetricAggregation } | { kind: 'param'; key: string } | { kind: 'tag'; key: string } | { kind: 'attribute'; name: Attribute };

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export type FilterValue = { type: 'number'; value: number } | { type: 'string'; value: string } | { type: 'list'; values: string[] };

export interface Comparison {
  type: 'comparison';
  target: Target;
  operator: ComparisonOperator;
  value: FilterValue;
  /** Where the term starts in the filter text (for messages). */
  position: number;
}

export type FilterNode = Comparison | { type: 'and'; children: FilterNode[] } | { type: 'or'; children: FilterNode[] };

export interface OrderTerm {
  target: Target;
  direction: 'ASC' | 'DESC';
}
