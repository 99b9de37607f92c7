/** Hopsworks' REST base: the web app `hopsworks-api` with JAX-RS `@ApplicationPath("api")`. */
export const API_BASE = 'hopsworks-api/api';
