import { errorMessage } from '../api/errors';

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <pre className="error" role="alert">
      {errorMessage(error)}
    </pre>
  );
}
