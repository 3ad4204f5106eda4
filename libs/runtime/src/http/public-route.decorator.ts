import { SetMetadata } from '@nestjs/common';

/** Metadata key of `@Public()`; the API's authorization guard lets such routes through without a token. */
export const PUBLIC_OPERATION = 'registry:public-operation';

/**
 * Reachable without a token (health checks and metrics only; nothing that exposes registry data). It lives here,
 * not in the API's auth/, because the health and metrics routes every deployable serves carry it.
 */
export const Public = () => SetMetadata(PUBLIC_OPERATION, true);
