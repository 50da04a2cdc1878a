export { createLogger, REDACTED_PATHS, type CreateLoggerOptions, type Logger } from './create-logger';
export { LOG_FORMATS, LOG_LEVELS, parseLogFormat, parseLogLevel, type LogFormat, type LogLevel } from './log-level';
export { NestPinoLogger } from './nest-logger';
