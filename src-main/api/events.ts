import type { z } from 'zod';
import { EngineStatusSchema, JobSchema, ProjectInfoSchema } from './schemas.js';

/** Everything pushed to the UI without being asked for. */
export const events = {
  /** A job was queued, progressed, or finished. Carries the whole job. */
  'job.updated': JobSchema,
  /** The engine started, crashed and is restarting, or stopped. */
  'engine.status': EngineStatusSchema,
  /** The open project changed (opened, closed, clips imported): reload what is shown. */
  'project.changed': ProjectInfoSchema.nullable(),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type PayloadOf<E extends EventName> = z.infer<Events[E]>;

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
