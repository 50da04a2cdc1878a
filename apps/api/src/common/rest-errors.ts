// The one exception filter of the REST controllers: an error thrown by a route, its guard or Nest's router is answered
// through the code table (common/app-error.ts ERROR_CODES) by the renderer the controller chose: the house shape
// `{ error: { code, message } }` by default, MLflow's `{ error_code, message }` for the MLflow routes.
import { applyDecorators, type ArgumentsHost, Catch, type ExceptionFilter, Logger, SetMetadata, UseFilters } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerError, type ErrorLogger } from './http-error';

export interface RestErrorRenderer {
  /** Its name in the logs. */
  readonly name: string;
  render(req: IncomingMessage, res: ServerResponse, e: unknown, logger: ErrorLogger): void;
  /** Said after an UNAUTHENTICATED message: how this API's own clients pass a token. */
  readonly authHint?: string;
}

export const HOUSE_ERRORS: RestErrorRenderer = { name: 'Http', render: answerError };

export const REST_ERRORS = 'podium:rest-errors';

@Catch()
export class RestErrorFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(private readonly renderer: RestErrorRenderer = HOUSE_ERRORS) {
    this.logger = new Logger(renderer.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.renderer.render(http.getRequest<IncomingMessage>(), http.getResponse<ServerResponse>(), exception, this.logger);
  }
}

/** A controller whose errors (its guard's included) are rendered by `renderer` instead of the house shape. */
export const RestErrors = (renderer: RestErrorRenderer): ClassDecorator => applyDecorators(SetMetadata(REST_ERRORS, renderer), UseFilters(new RestErrorFilter(renderer)));
