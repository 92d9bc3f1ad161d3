import type { FastifyRequest } from 'fastify';
import { authenticate } from '../dashboard/auth';

/**
 * Authorises codec calls with the dashboard's sign-in: its session cookie (browsers send the
 * cookies of a host to all its ports, so the Temporal UI's calls carry it), or
 * `Authorization: Bearer <dashboard token>` for scripts and `temporal --codec-auth`.
 */
export function dashboardSessionAuthorizer(token: string, dashboardPort: number | null): (request: FastifyRequest) => boolean {
  return (request) =>
    authenticate(token, dashboardPort ?? -1, { authorization: request.headers.authorization, cookie: request.headers.cookie }).ok;
}
