/** Group of the provider: ProviderConfig and the managed resources the composition creates. */
export const providerGroup = 'dataservices.anynines.com';
export const providerVersion = 'v1';
/** The Crossplane categories, so that `kubectl get managed` lists these resources too. */
export const managedResourceCategories = ['crossplane', 'managed', 'anynines'];
