// `${NAME}` references in configuration files that another process reads (sip/bridge.yaml for
// livekit-sip, sip/trunks.yaml for trunks-as-code): one substitution rule for the stack runner,
// the sip CLI and docker-compose's own `${NAME}` filling.

export type Substitution =
  | { readonly ok: true; readonly value: string; readonly variables: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${NAME}` with the variable's value and `${NAME:-default}` with the value or, when the
 * variable is unset or empty, the default. `$${` stands for a literal `${`. An unset or empty
 * variable without a default is an error naming it.
 */
export function substituteEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): Substitution {
  let value = '';
  const variables: string[] = [];
  const errors: string[] = [];
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('${', index);
    if (start === -1) {
      value += text.slice(index);
      break;
    }
    if (start > index && text[start - 1] === '$') {
      value += `${text.slice(index, start - 1)}\${`;
      index = start + 2;
      continue;
    }
    value += text.slice(index, start);
    const end = text.indexOf('}', start + 2);
    if (end === -1) {
      errors.push('"${" without a closing "}" (write $${ for a literal ${)');
      break;
    }
    const match = REFERENCE.exec(text.slice(start + 2, end));
    if (match === null) {
      errors.push('a ${...} reference must look like ${NAME} or ${NAME:-default}');
    } else {
      const name = match[1]!;
      const fallback = match[2];
      const set = env[name];
      variables.push(name);
      if (set !== undefined && set !== '') value += set;
      else if (fallback !== undefined) value += fallback;
      else
        errors.push(
          `environment variable ${name} is ${set === undefined ? 'not set' : 'empty'} (set it in the environment or the root .env, or write \${${name}:-default})`,
        );
    }
    index = end + 1;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value, variables };
}

/** {@link substituteEnv}, throwing one error that names every missing variable. */
export function fillEnvTemplate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const result = substituteEnv(text, env);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.value;
}
