/** Group and version of the binding kinds (the kube-bind fork). */
export const klutchGroup = 'klutch.anynines.com';
export const klutchVersion = 'v1alpha1';
export const klutchApiVersion = `${klutchGroup}/${klutchVersion}` as const;
/** `kubectl get kube-bindings` lists every binding object at once. */
export const klutchCategories = ['kube-bindings'];
