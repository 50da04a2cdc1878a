// Typed topic of the registry's subscription: one topic, routed by model name (topicId), so Redis fans out per model.
import type { PodiumPubSub } from '../graphql/pubsub';
import type { ModelVersionChangedPayload } from './registry.mapper';

export const MODEL_VERSION_CHANGED = 'MODEL_VERSION_CHANGED';

export function publishModelVersionChanged(pubSub: PodiumPubSub, payload: ModelVersionChangedPayload): void {
  pubSub.publish(MODEL_VERSION_CHANGED, payload.modelName, payload);
}
