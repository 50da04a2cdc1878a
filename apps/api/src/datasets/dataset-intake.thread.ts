// worker_thread entry of the dataset intake (DatasetIntakeRunner): runs one job per message and answers with its result.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../common/app-error';
import { type IntakeJob, runIntake } from './dataset-intake';

const port = parentPort!;

port.on('message', ({ id, job }: { id: number; job: IntakeJob }) => {
  runIntake(job).then(
    (result) => port.postMessage({ id, ok: true, result }),
    (e: Error) =>
      port.postMessage({
        id,
        ok: false,
        error: e instanceof AppError ? { code: e.code, message: e.message, details: e.details } : { message: e.message, stack: e.stack },
      }),
  );
});
