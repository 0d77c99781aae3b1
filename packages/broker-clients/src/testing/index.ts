export { FaultInjectingBroker, osbPaths, startFaultInjectingBroker } from './faultInjectingBroker.js';
export type { FaultInjectingBrokerOptions } from './faultInjectingBroker.js';
export { defaultFakeCatalog } from './fakeOsbBroker.js';
export type {
  CredentialsFactory,
  FakeBinding,
  FakeBrokerBehaviour,
  FakeInstance,
  FakeOperation,
} from './fakeOsbBroker.js';
export { pathPatternToRegExp, ScriptedHttpServer } from './scriptedHttpServer.js';
export type {
  DefaultHandler,
  PathPattern,
  RecordedRequest,
  ScriptedHttpServerOptions,
  ScriptedResponse,
  ScriptOptions,
  ScriptStep,
} from './scriptedHttpServer.js';
export { generateTestCertificates } from './testCertificates.js';
export type { TestCertificates } from './testCertificates.js';
