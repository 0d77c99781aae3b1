/** Group of the app-facing data-service APIs that developers use (claims, in Crossplane terms). */
export const dataServicesGroup = 'anynines.com';
export const dataServicesVersion = 'v1';
/** `kubectl get dataservices` lists every data-service object at once. */
export const dataServicesCategories = ['dataservices'];
