// The runs filter in Podium's search language (MLflow's plus OR and parentheses); the api parses it, and its error
// is shown under the text with the offending character marked.
import { type FormEvent, useEffect, useState } from 'react';
import type { FilterProblem } from '../lib/filter-error';

const EXAMPLES = ["metrics.map50 > 0.3 and params.imgsz = '416'", "params.imgsz = '416' or params.imgsz = '320'", "max(metrics.map50) > 0.5 and attributes.status = 'FINISHED'"];

export function FilterBox({ value, onApply, problem }: { value: string; onApply: (v: string) => void; problem: FilterProblem | null }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(text.trim());
  };
  return (
    <form className="filter-box" onSubmit={submit}>
      <input
        type="search"
        aria-label="Filter runs"
        aria-invalid={!!problem}
        placeholder={`Filter, e.g. ${EXAMPLES[0]}`}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        list="filter-examples"
      />
      <datalist id="filter-examples">
        {EXAMPLES.map((x) => (
          <option key={x} value={x} />
        ))}
      </datalist>
      <button type="submit">Filter</button>
      {value && (
        <button type="button" className="link" onClick={() => onApply('')}>
          Clear
        </button>
      )}
      {problem && (
        <div className="filter-problem" role="alert" data-testid="filter-problem">
          <code>
            {problem.before}
            <mark>{problem.at || '\u00a0'}</mark>
            {problem.after}
          </code>
          <div>
            {problem.input !== 'filter' && <b>{problem.input}: </b>}
            {problem.message}
          </div>
        </div>
      )}
    </form>
  );
}
