// Express error handler for /graphql's JSON body parser: GraphQL-shaped errors instead of an HTML error page.
import type { ErrorRequestHandler } from 'express';

export function graphqlBodyErrors(limitBytes: number): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const type = (err as { type?: string } | undefined)?.type;
    if (type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `Request body exceeds the limit of ${limitBytes} bytes (PODIUM_BODY_LIMIT_BYTES)`, extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes } }] });
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    next(err);
  };
}
