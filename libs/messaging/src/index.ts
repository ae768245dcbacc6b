export * from './cloud-event.codec';
export * from './kafka-client';
export * from './messaging.migration';
export * from './outbox';
export * from './outbox-relay';
export * from './chain-anchors';
export * from './event-consumer';
export * from './kafka.probe';
