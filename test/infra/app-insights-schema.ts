/**
 * The Application Insights query schema the alert rules and the workbook run against (their scope is
 * the component, so the classic table names apply), as Kusto table schemas. `customMetrics` has no
 * `value` column: the workspace-based mapping lists it as removed, so queries read `valueSum`,
 * `valueMax`, … only.
 */
const common =
  "timestamp:datetime, itemId:string, itemType:string, itemCount:int, customDimensions:dynamic, operation_Name:string, " +
  "operation_Id:string, operation_ParentId:string, operation_SyntheticSource:string, session_Id:string, user_Id:string, " +
  "user_AuthenticatedId:string, user_AccountId:string, application_Version:string, client_Type:string, client_Model:string, " +
  "client_OS:string, client_IP:string, client_City:string, client_StateOrProvince:string, client_CountryOrRegion:string, " +
  "client_Browser:string, cloud_RoleName:string, cloud_RoleInstance:string, appId:string, appName:string, iKey:string, sdkVersion:string";

export const appInsightsTables: Record<string, string> = {
  customMetrics: `(name:string, valueCount:int, valueSum:real, valueMin:real, valueMax:real, valueStdDev:real, ${common})`,
  requests: `(id:string, name:string, url:string, source:string, success:bool, resultCode:string, duration:real, performanceBucket:string, customMeasurements:dynamic, ${common})`,
  traces: `(message:string, severityLevel:int, customMeasurements:dynamic, ${common})`,
  exceptions:
    `(problemId:string, handledAt:string, type:string, message:string, assembly:string, method:string, outerType:string, outerMessage:string, ` +
    `outerAssembly:string, outerMethod:string, innermostType:string, innermostMessage:string, innermostAssembly:string, innermostMethod:string, ` +
    `severityLevel:int, details:dynamic, customMeasurements:dynamic, ${common})`,
};
