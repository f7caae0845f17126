/** Readable names for permission resources, in the order the UI lists them. */
const RESOURCES: [string, string][] = [
  ['users', 'Members'],
  ['roles', 'Roles'],
  ['sso', 'Single sign-on'],
  ['tokens', 'API tokens'],
  ['events', 'Live events'],
  ['datasets', 'Datasets'],
  ['training', 'Training'],
  ['models', 'Models'],
  ['predictions', 'Predictions'],
  ['insights', 'Insights'],
  ['audit', 'Audit log'],
  ['privacy', 'Privacy requests'],
  ['retention', 'Retention'],
];
const RESOURCE_LABEL = new Map(RESOURCES);
const RESOURCE_ORDER = new Map(RESOURCES.map(([key], index) => [key, index]));

export function resourceLabel(resource: string): string {
  return RESOURCE_LABEL.get(resource) ?? sentence(resource);
}

function sentence(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}

/** "read_details" → "Read details". */
export function actionLabel(action: string): string {
  return sentence(action);
}

export type PermissionInfo = { name: string; resource: string; action: string; description?: string };

export function parsePermission(name: string): PermissionInfo {
  const [resource = name, action = ''] = name.split(':', 2);
  return { name, resource, action };
}

export type PermissionGroup<T extends PermissionInfo> = { resource: string; label: string; permissions: T[] };

/** Groups permissions by resource, known resources first in product order, the rest alphabetically. */
export function groupPermissions<T extends PermissionInfo>(permissions: readonly T[]): PermissionGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const permission of permissions) {
    const list = groups.get(permission.resource) ?? [];
    list.push(permission);
    groups.set(permission.resource, list);
  }
  const rank = (resource: string) => RESOURCE_ORDER.get(resource) ?? RESOURCES.length;
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([resource, list]) => ({ resource, label: resourceLabel(resource), permissions: list }));
}
