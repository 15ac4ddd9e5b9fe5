/** The settings of rotate-secrets, as its settings reader (inputs.ts) builds them. */
import type {
  CommonSettings,
  SecretApp,
  SecretScopeKind,
  SecretVisibility
} from '../../settings.js'

export type SecretEncoding = 'base64url' | 'base64' | 'hex' | 'alphanumeric'
/** Where the new secret values come from. */
export type SecretValueSource =
  { kind: 'value'; value: string } | { kind: 'generate'; length: number; encoding: SecretEncoding }

export interface RotateSecretsSettings extends CommonSettings {
  operation: 'rotate-secrets'
  /** Upper-cased secret names, without duplicates. */
  secrets: string[]
  source: SecretValueSource
  scope: SecretScopeKind
  /**
   * The stores every secret is written to, in input order, without duplicates (default
   * `['actions']`). With scope `environment` only `actions`.
   */
  apps: SecretApp[]
  /** For scope `environment`. */
  environment?: string
  /** For scope `organization`. */
  organization?: string
  /** For scope `organization`; undefined = keep an existing secret's visibility. */
  visibility?: SecretVisibility
  /** Repository names for `visibility: selected`. */
  selectedRepositories: string[]
}
