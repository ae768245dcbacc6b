// the entry a service's main imports before anything else (`@support/service-kit/tracing`): it loads only OpenTelemetry
export * from './start-tracing';
export * from './tracing-state';
