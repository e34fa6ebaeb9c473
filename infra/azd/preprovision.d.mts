/** Why `SCIM_SIGNING_KEYS` would not start the app, or undefined when it would. */
export function signingKeysProblem(text: string): string | undefined;
/** What the azd `preprovision` hook says about an environment: `errors` stop provisioning, `notes` inform. */
export function checkEnvironment(env: Record<string, string | undefined>): {
  errors: string[];
  notes: string[];
};
