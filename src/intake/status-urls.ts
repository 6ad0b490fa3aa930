/** Where a client reads a request's or a batch's status: named once, for the 202s, the 503s and the batch pages. */

/** The status URL of a request. */
export const requestStatusUrl = (id: string): string => `/v1/requests/${id}`

/** The status URL of a batch. */
export const batchStatusUrl = (batchId: string): string => `/v1/batches/${batchId}`
