import { CHECK_ARGS } from './args.js'
import type { CheckDef } from './define.js'
import { checks as media } from './media.js'
import { checks as auth } from './auth.js'
import { checks as errors } from './errors.js'
import { checks as discovery } from './discovery.js'
import { checks as resource } from './resource.js'
import { checks as create } from './create.js'
import { checks as retrieve } from './retrieve.js'
import { checks as list } from './list.js'
import { checks as filter } from './filter.js'
import { checks as sort } from './sort.js'
import { checks as attrs } from './attrs.js'
import { checks as search } from './search.js'
import { checks as importWalk } from './import.js'
import { checks as lifecycle } from './lifecycle.js'
import { checks as put } from './put.js'
import { checks as patch } from './patch.js'
import { checks as del } from './delete.js'
import { checks as user } from './user.js'
import { checks as group } from './group.js'
import { checks as ext } from './ext.js'
import { checks as etag } from './etag.js'
import { checks as bulk } from './bulk.js'
import { checks as me } from './me.js'
import { checks as kase } from './case.js'
import { checks as idpAnnex } from './idp.js'
import { checks as transport } from './transport.js'
import { checks as integrity } from './integrity.js'
import { checks as safety } from './safety.js'
import { checks as scale } from './scale.js'

/**
 * Every check the tool knows, by id. A new catalogue area is one file exporting `checks` plus one line here.
 * Profiles' own IdP expectations (idp.<profile>.*) live with the profiles (IdpProfile.expectations).
 */
const AREAS: CheckDef[][] = [media, auth, errors, discovery, resource, importWalk, lifecycle, create, retrieve, list, filter, sort, attrs, search, put, patch, del, user, group, ext, etag, bulk, me, kase, idpAnnex, transport, integrity, safety, scale]

let byId: Map<string, CheckDef> | undefined

export function allChecks(): CheckDef[] {
  return [...registry().values()]
}

export function getCheck(id: string): CheckDef | undefined {
  return registry().get(id)
}

function registry(): Map<string, CheckDef> {
  if (!byId) {
    byId = new Map()
    for (const area of AREAS) for (const d of area) {
      if (byId.has(d.id)) throw new Error(`check id "${d.id}" is defined twice; ids are never reused`)
      byId.set(d.id, d.args || !CHECK_ARGS[d.id] ? d : { ...d, args: CHECK_ARGS[d.id] })
    }
  }
  return byId
}

/** Declared `with:` arguments by check id, for the scenario loader (checks that declare none are absent). */
export function checkArgs(): Map<string, readonly string[]> {
  return new Map(allChecks().flatMap((c) => (c.args ? [[c.id, c.args] as const] : [])))
}

let ambient: readonly CheckDef[] | undefined

/** Asked for every exchange of a run: filtered once (the registry never changes after it is built). */
export function ambientChecks(): readonly CheckDef[] {
  return (ambient ??= allChecks().filter((c) => c.ambient))
}
