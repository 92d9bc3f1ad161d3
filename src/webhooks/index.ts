/** Oura and Strava webhooks: the receiver, the event dispatch to missions, and subscription management. */
export { startWebhookReceiver, buildWebhookApp, DEFAULT_BODY_LIMIT_BYTES, type RunningWebhookReceiver, type WebhookReceiverOptions, type WebhookSecrets } from './receiver';
export { EventDispatcher, type DispatcherOptions } from './event-dispatcher';
export { temporalMissionSignaller, missionWorkflowIdFor, type SignalAthleteMissions, type MissionSignalResult } from './mission-signaller';
export { serveWebhooksFromEnv, type RunningWebhooks } from './serve-webhooks';
export { webhookServerConfigFromEnv, webhookPathPrefix, webhookRoute, publicCallbackUrl, WEBHOOK_DEFAULTS, type WebhookServerConfig } from './webhook-config';
export { ouraSignature, isOuraSignatureValid, handshakeToken } from './provider-authenticity';
export { parseOuraEvent, parseStravaEvent, eventIdFor, WebhookBodyError, OURA_DATA_TYPES, OURA_EVENT_TYPES, type ParsedEvent } from './webhook-events';
export { OuraSubscriptionClient, type OuraSubscription, type OuraAppCredentials } from './oura-subscriptions';
export { StravaSubscriptionClient, type StravaPushSubscription, type StravaAppCredentials } from './strava-subscriptions';
export { SubscriptionApiError, type SubscriptionHttpOptions } from './subscription-http';
export { subscribe, unsubscribe, listSubscriptions, checkReceiverAnswers, type SubscriptionRow, type SubscribeReport, type SubscriptionClient, type ManageOptions } from './manage-subscriptions';
