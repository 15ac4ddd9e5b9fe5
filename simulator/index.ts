/**
 * A GitHub REST API simulator for tests and demos: workflow runs, jobs, secrets (Actions,
 * Dependabot, Codespaces), pagination, filters, auth, rate limits and injected faults, served over
 * real HTTP on 127.0.0.1.
 */
export {
  startSimulator,
  GHES_PREFIX,
  type RecordedRequest,
  type Simulator,
  type SimulatorOptions,
  type Violation
} from './server.js'
export type {
  PermissionLevel,
  PermissionScope,
  Scenario,
  ScenarioJob,
  ScenarioRateLimit,
  ScenarioRepository,
  ScenarioRun,
  ScenarioRunPullRequest,
  ScenarioToken,
  ScenarioWorkflow,
  TokenKind
} from './scenario.js'
export { demoScenario, loadScenarioFile, parseScenario, rebaseScenario } from './scenario.js'
export {
  DEFAULT_NOW,
  generateOrganization,
  generateScenario,
  generatedTokens,
  mulberry32,
  type GenerateOptions,
  type OrganizationOptions
} from './generate.js'
export {
  addArtifacts,
  addCaches,
  type ArtifactOptions,
  type CacheOptions
} from './generate-storage.js'
export type {
  JobState,
  RateLimitBucket,
  RepositoryState,
  RunState,
  SimState,
  WorkflowState
} from './state.js'
export { findRepository, isActive, isoSeconds } from './state.js'
export type { FaultInjector, FaultKind, FaultRule } from './faults.js'
export type { BlobHost, BlobRequest } from './blobs.js'
export type { ScenarioRerun } from './routes/reruns.js'
export { REQUIRED_PERMISSIONS, type Requirement } from './auth.js'
export type { ScenarioPull, ScenarioPullFile } from './routes/pulls.js'
export type { ScenarioArtifact } from './routes/artifacts.js'
export type { ScenarioCache } from './routes/caches.js'
export type { ScenarioEnvironment } from './environments.js'
export type {
  ScenarioApproval,
  ScenarioPendingDeployment,
  ScenarioRuleAnswer
} from './routes/deployments.js'
export type { Handler, HandlerContext, Router } from './router.js'
export type { ApiResponse } from './responses.js'
export {
  findOrganization,
  rotatePublicKey,
  rotatePublicKeyOnRead,
  type ScenarioOrganization,
  type ScenarioOrgSecret,
  type ScenarioSecret,
  type SecretApp,
  type SecretVisibility
} from './routes/secrets.js'
