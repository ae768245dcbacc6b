// the deciders' value checks come from the decider library; field-service adds none of its own
export { blank, invalid, isBlank, names, notSha256, notUuid, oneOf, optional, validDate, without } from '@support/decider';
