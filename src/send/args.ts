import { UsageError } from '../errors.js'
import { ACTIONS, type ActionName } from '../idp/types.js'
import { closest } from '../yaml/suggest.js'

/**
 * What each action reads from its arguments (a scenario step's `with:`), so `scim-check send` can say what is
 * missing before anything is sent. `id` comes from --id, everything else from --with key=value.
 */
export const ACTION_ARGS: Record<ActionName, { required: string[]; optional: string[] }> = {
  testConnection: { required: [], optional: [] },
  importSchema: { required: [], optional: [] },
  createUser: { required: ['userName'], optional: ['givenName', 'familyName', 'email', 'externalId', 'displayName', 'title', 'active', 'password', 'department', 'employeeNumber', 'manager', 'custom'] },
  getUser: { required: ['id'], optional: [] },
  findUser: { required: [], optional: ['userName', 'externalId'] },
  listUsers: { required: [], optional: ['pageSize'] },
  updateUser: { required: ['id', 'changes'], optional: [] },
  deactivateUser: { required: ['id'], optional: [] },
  reactivateUser: { required: ['id'], optional: [] },
  deleteUser: { required: ['id'], optional: [] },
  createGroup: { required: ['displayName'], optional: ['externalId', 'members'] },
  getGroup: { required: ['id'], optional: [] },
  findGroup: { required: ['displayName'], optional: [] },
  listGroups: { required: [], optional: ['pageSize'] },
  addMembers: { required: ['id', 'members'], optional: [] },
  removeMembers: { required: ['id', 'members'], optional: [] },
  pushGroup: { required: ['id', 'members'], optional: ['displayName'] },
  renameGroup: { required: ['id', 'displayName'], optional: [] },
  deleteGroup: { required: ['id'], optional: [] },
  rotateToken: { required: [], optional: [] },
}

/** The action named on the command line, or a one-line error with the closest name. */
export function actionOf(name: string): ActionName {
  if ((ACTIONS as readonly string[]).includes(name)) {
    if (name === 'rotateToken') throw new UsageError('rotateToken is not a request an IdP sends: rotate the token where it is issued, then pass the new one in SCIM_TOKEN')
    return name as ActionName
  }
  const hint = closest(name, [...ACTIONS]) ?? ACTIONS.find((a) => a.toLowerCase().startsWith(name.toLowerCase()))
  throw new UsageError(`unknown action "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; valid: ${ACTIONS.filter((a) => a !== 'rotateToken').join(', ')}`)
}

/**
 * `--with key=value` pairs → action arguments. A value that parses as JSON is that JSON value (true, 42,
 * ["a","b"], {"x":1}); anything else is the string. A dotted key nests once: `changes.title=VP` sets
 * args.changes.title, and `changes.custom.approvalLimit=10` sets args.changes["custom.approvalLimit"].
 */
export function parseWith(pairs: string[], id?: string): Record<string, unknown> {
  const args: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--with "${pair}" should look like key=value, e.g. --with userName=ada@example.com`)
    const key = pair.slice(0, eq)
    const value = jsonOrString(pair.slice(eq + 1))
    const dot = key.indexOf('.')
    if (dot < 0) {
      args[key] = value
      continue
    }
    const [outer, inner] = [key.slice(0, dot), key.slice(dot + 1)]
    const into = args[outer]
    if (into !== undefined && (typeof into !== 'object' || into === null || Array.isArray(into))) throw new UsageError(`--with ${key}: "${outer}" was already given a value that is not an object`)
    args[outer] = { ...((into as Record<string, unknown>) ?? {}), [inner]: value }
  }
  if (id !== undefined) args.id = id
  return args
}

function jsonOrString(raw: string): unknown {
  if (!/^\s*[[{"\d-]|^\s*(true|false|null)\s*$/.test(raw)) return raw
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

/** A one-line error naming what the action still needs, with an example. */
export function checkArgs(action: ActionName, args: Record<string, unknown>): void {
  const missing = ACTION_ARGS[action].required.filter((k) => args[k] === undefined || args[k] === '')
  if (missing.length === 0) return
  const how = missing.map((k) => (k === 'id' ? '--id <id>' : k === 'changes' ? '--with changes.title=VP' : k === 'members' ? `--with 'members=["<user id>"]'` : `--with ${k}=<value>`))
  throw new UsageError(`${action} needs ${missing.join(' and ')}: add ${how.join(' ')}`)
}
