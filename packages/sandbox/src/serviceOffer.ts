import { serviceInstanceTypes } from '@klutch/api';

const productNames: Record<string, string> = {
  postgresql: 'PostgreSQL',
  mariadb: 'MariaDB',
  keyvalue: 'KeyValue',
  messaging: 'Messaging',
  prometheus: 'Prometheus',
  mongodb: 'MongoDB',
  search: 'Search',
  logme2: 'Logme2',
};

/**
 * For every data service the sandbox does not offer, the sentence its claims show (condition
 * Ready=False, reason ServiceNotOffered): either the broker has an engine for it whose server is
 * missing (`unavailable`, with the broker's reason), or it needs a real a9s backend.
 */
export function unofferedServiceMessages(
  offered: readonly string[],
  unavailable: Readonly<Record<string, string>>,
): Record<string, string> {
  const messages: Record<string, string> = {};
  const offeredList = offered.length > 0 ? offered.join(', ') : 'nothing';
  for (const type of serviceInstanceTypes) {
    if (offered.includes(type)) continue;
    const product = productNames[type] ?? type;
    const reason = unavailable[type];
    messages[type] =
      reason !== undefined
        ? `The Klutch sandbox does not offer ${product} now: ${reason}. It offers ${offeredList}.`
        : `The Klutch sandbox does not offer ${product}: it needs a real a9s Data Services backend, and the ` +
          `sandbox broker runs only ${offeredList}. Delete this object, or use a control plane connected to an a9s backend.`;
  }
  return messages;
}

/** The sandbox's start-up lines about its services: what it offers, and what not and why. */
export function describeServiceOffer(
  offered: readonly string[],
  unavailable: Readonly<Record<string, string>>,
): string[] {
  const lines = [`Data services offered: ${offered.join(', ')}.`];
  const missing = serviceInstanceTypes.filter((t) => !offered.includes(t));
  const needBackend = missing.filter((t) => unavailable[t] === undefined);
  for (const type of missing) {
    const reason = unavailable[type];
    if (reason !== undefined) lines.push(`Not offered now: ${type} (${reason}).`);
  }
  if (needBackend.length > 0) {
    lines.push(`Not offered: ${needBackend.join(', ')} (they need a real a9s backend).`);
  }
  return lines;
}
