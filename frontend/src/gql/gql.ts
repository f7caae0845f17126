/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiTokenFieldsFragmentDoc,
    "\n  query AdminApiTokens($first: Int!, $after: String) {\n    viewer {\n      id\n      apiTokens(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...ApiTokenFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  query OrgApiTokens($first: Int!, $after: String, $includeRevoked: Boolean!) {\n    apiTokens(first: $first, after: $after, includeRevoked: $includeRevoked) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApiTokenFields\n          owner {\n            id\n            email\n            displayName\n          }\n        }\n      }\n    }\n  }\n": typeof types.OrgApiTokensDocument,
    "\n  fragment MemberFields on Member {\n    id\n    email\n    displayName\n    roles\n    status\n    lastLoginAt\n    joinedAt\n    signInMethods\n  }\n": typeof types.MemberFieldsFragmentDoc,
    "\n  query AdminMembers($first: Int!, $after: String, $search: String, $status: MemberStatus) {\n    viewer {\n      id\n    }\n    members(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n": typeof types.AdminMembersDocument,
    "\n  query AdminRoleOptions {\n    roles {\n      name\n      description\n      builtIn\n      permissions\n    }\n  }\n": typeof types.AdminRoleOptionsDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      inviteUrl\n      expiresAt\n      member {\n        ...MemberFields\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation SetMemberRoles($input: SetMemberRolesInput!) {\n    setMemberRoles(input: $input) {\n      ...MemberFields\n    }\n  }\n": typeof types.SetMemberRolesDocument,
    "\n  mutation DeactivateMember($userId: ID!) {\n    deactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n": typeof types.DeactivateMemberDocument,
    "\n  mutation ReactivateMember($userId: ID!) {\n    reactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n": typeof types.ReactivateMemberDocument,
    "\n  fragment PromotionPolicyFields on PromotionPolicy {\n    productionRequiresApproval\n    stagingRequiresApproval\n    requestTtlHours\n    isDefault\n    updatedAt\n  }\n": typeof types.PromotionPolicyFieldsFragmentDoc,
    "\n  query AdminPromotionPolicy {\n    promotionPolicy {\n      ...PromotionPolicyFields\n    }\n  }\n": typeof types.AdminPromotionPolicyDocument,
    "\n  mutation SetPromotionPolicy($input: SetPromotionPolicyInput!) {\n    setPromotionPolicy(input: $input) {\n      ...PromotionPolicyFields\n    }\n  }\n": typeof types.SetPromotionPolicyDocument,
    "\n  fragment RoleFields on RoleDefinition {\n    name\n    description\n    builtIn\n    permissions\n    memberCount\n  }\n": typeof types.RoleFieldsFragmentDoc,
    "\n  query AdminRoles {\n    roles {\n      ...RoleFields\n    }\n    permissions {\n      name\n      resource\n      action\n      description\n    }\n  }\n": typeof types.AdminRolesDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RoleFields\n    }\n  }\n": typeof types.CreateRoleDocument,
    "\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RoleFields\n    }\n  }\n": typeof types.UpdateRoleDocument,
    "\n  mutation DeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n": typeof types.DeleteRoleDocument,
    "\n  fragment OidcConfigFields on OidcConfig {\n    issuer\n    clientId\n    clientSecretSet\n    scopes\n    allowedEmailDomains\n    defaultRole\n    roleClaim\n    roleMapping {\n      claimValue\n      roles\n    }\n    ssoRequired\n    redirectUri\n    loginUrl\n    updatedAt\n  }\n": typeof types.OidcConfigFieldsFragmentDoc,
    "\n  query AdminOidcConfig {\n    viewer {\n      id\n      tenant {\n        id\n        slug\n      }\n    }\n    oidcConfig {\n      ...OidcConfigFields\n    }\n  }\n": typeof types.AdminOidcConfigDocument,
    "\n  mutation ConfigureOidc($input: ConfigureOidcInput!) {\n    configureOidc(input: $input) {\n      ...OidcConfigFields\n    }\n  }\n": typeof types.ConfigureOidcDocument,
    "\n  mutation RemoveOidcConfig {\n    removeOidcConfig\n  }\n": typeof types.RemoveOidcConfigDocument,
    "\n  subscription TenantEvents($topics: [String!]) {\n    tenantEvents(topics: $topics) {\n      topic\n      occurredAt\n      payload\n    }\n  }\n": typeof types.TenantEventsDocument,
    "\n  query Webhooks($first: Int!, $after: String) {\n    webhooks(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          url\n          events\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n        url\n        events\n        createdAt\n      }\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  query WebhookDeliveries($webhookId: ID!, $first: Int!, $after: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          eventId\n          event\n          status\n          attempts\n          lastStatusCode\n          lastError\n          nextAttemptAt\n          deliveredAt\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  fragment AlertFields on Alert {\n    id\n    modelVersionId\n    kind\n    feature\n    metric\n    severity\n    status\n    comparison\n    value\n    threshold\n    window\n    windowStart\n    count\n    createdAt\n    lastSeenAt\n    acknowledgedAt\n    acknowledgeComment\n    acknowledgedBy\n    resolvedAt\n    resolveComment\n    resolvedBy\n  }\n": typeof types.AlertFieldsFragmentDoc,
    "\n  query Alerts($status: AlertStatus, $first: Int!, $after: String) {\n    alerts(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n": typeof types.AlertsDocument,
    "\n  mutation AcknowledgeAlert($id: ID!, $comment: String) {\n    acknowledgeAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n": typeof types.AcknowledgeAlertDocument,
    "\n  mutation ResolveAlert($id: ID!, $comment: String) {\n    resolveAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n": typeof types.ResolveAlertDocument,
    "\n  subscription AlertEvents {\n    alerts {\n      type\n      alert {\n        ...AlertFields\n      }\n    }\n  }\n": typeof types.AlertEventsDocument,
    "\n  query AlertModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      modelName\n      version\n    }\n  }\n": typeof types.AlertModelVersionDocument,
    "\n  query AppViewer {\n    viewer {\n      id\n      email\n      displayName\n      roles\n      authMethod\n      permissions\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n": typeof types.AppViewerDocument,
    "\n  fragment AuditEventFields on AuditEvent {\n    id\n    seq\n    occurredAt\n    action\n    actionLabel\n    outcome\n    resourceType\n    resourceId\n    resource {\n      type\n      id\n      name\n      path\n    }\n    requestId\n    detailsState\n    details\n    actor {\n      type\n      userId\n      label\n      displayName\n      erased\n    }\n    personalData {\n      subjectId\n      data\n      erased\n    }\n  }\n": typeof types.AuditEventFieldsFragmentDoc,
    "\n  query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  fragment CheckpointFields on AuditCheckpoint {\n    seq\n    headHash\n    signedAt\n    keyId\n  }\n": typeof types.CheckpointFieldsFragmentDoc,
    "\n  query AuditChain {\n    auditChain {\n      events\n      signingKeyIds\n      latestCheckpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n": typeof types.AuditChainDocument,
    "\n  mutation VerifyAuditChain {\n    verifyAuditChain {\n      ok\n      events\n      firstBadSeq\n      reason\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n": typeof types.VerifyAuditChainDocument,
    "\n  mutation ExportAuditLog($input: ExportAuditLogInput) {\n    exportAuditLog(input: $input) {\n      filename\n      content\n      fromSeq\n      toSeq\n      events\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n": typeof types.ExportAuditLogDocument,
    "\n  query AuditActionLabels {\n    auditActionLabels {\n      code\n      label\n    }\n  }\n": typeof types.AuditActionLabelsDocument,
    "\n  query AuditPeople($search: String) {\n    members(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          displayName\n          email\n        }\n      }\n    }\n  }\n": typeof types.AuditPeopleDocument,
    "\n  fragment DataSubjectRequestFields on DataSubjectRequest {\n    id\n    kind\n    status\n    subjectId\n    subjectKind\n    subjectEmail\n    identifierColumn\n    identifierValue\n    reason\n    requestedBy\n    decidedBy\n    decidedAt\n    decisionNote\n    executedBy\n    executedAt\n    createdAt\n    report\n    reportJsonUrl\n    reportCsvUrl\n    matches {\n      searchedAt\n      predictionRows\n      predictionBatches\n      datasets {\n        datasetId\n        name\n        versionNumber\n        rows\n      }\n      modelVersions {\n        modelVersionId\n        model\n        version\n        rows\n      }\n    }\n    modelsToRetrain {\n      modelVersionId\n      model\n      version\n      stage\n      datasetName\n    }\n  }\n": typeof types.DataSubjectRequestFieldsFragmentDoc,
    "\n  query DataSubjectRequests($first: Int!, $after: String) {\n    viewer {\n      id\n    }\n    dataSubjectRequests(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DataSubjectRequestFields\n        }\n      }\n    }\n  }\n": typeof types.DataSubjectRequestsDocument,
    "\n  mutation CreateDataSubjectRequest($input: CreateDataSubjectRequestInput!) {\n    createDataSubjectRequest(input: $input) {\n      ...DataSubjectRequestFields\n    }\n  }\n": typeof types.CreateDataSubjectRequestDocument,
    "\n  mutation ApproveDataSubjectRequest($id: ID!, $note: String) {\n    approveDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n": typeof types.ApproveDataSubjectRequestDocument,
    "\n  mutation RejectDataSubjectRequest($id: ID!, $note: String) {\n    rejectDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n": typeof types.RejectDataSubjectRequestDocument,
    "\n  mutation ExecuteDataSubjectRequest($id: ID!) {\n    executeDataSubjectRequest(id: $id) {\n      ...DataSubjectRequestFields\n    }\n  }\n": typeof types.ExecuteDataSubjectRequestDocument,
    "\n  fragment RetentionPolicyFields on AuditRetentionPolicy {\n    detailsDays\n    updatedAt\n    purgedThroughSeq\n  }\n": typeof types.RetentionPolicyFieldsFragmentDoc,
    "\n  query AuditRetentionPolicy {\n    auditRetentionPolicy {\n      ...RetentionPolicyFields\n    }\n  }\n": typeof types.AuditRetentionPolicyDocument,
    "\n  query AuditPurgeHistory {\n    auditPurgeHistory(first: 20) {\n      at\n      throughSeq\n      purged\n      cutoff\n      detailsDays\n    }\n    auditRetentionSchedule {\n      intervalSeconds\n      lastRunAt\n      nextRunAt\n    }\n  }\n": typeof types.AuditPurgeHistoryDocument,
    "\n  query PredictionLogRetention {\n    predictionLogRetention {\n      days\n      defaultDays\n    }\n  }\n": typeof types.PredictionLogRetentionDocument,
    "\n  mutation SetPredictionLogRetention($days: Int) {\n    setPredictionLogRetention(days: $days) {\n      days\n      defaultDays\n    }\n  }\n": typeof types.SetPredictionLogRetentionDocument,
    "\n  mutation SetAuditRetentionPolicy($detailsDays: Int) {\n    setAuditRetentionPolicy(detailsDays: $detailsDays) {\n      ...RetentionPolicyFields\n    }\n  }\n": typeof types.SetAuditRetentionPolicyDocument,
    "\n  fragment DatasetSummaryFields on Dataset {\n    id\n    name\n    status\n    error\n    sourceFormat\n    originalFilename\n    sizeBytes\n    rowCount\n    columnCount\n    createdAt\n    createdBy\n  }\n": typeof types.DatasetSummaryFieldsFragmentDoc,
    "\n  query Datasets($first: Int!, $after: String, $search: String) {\n    datasets(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DatasetSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.DatasetsDocument,
    "\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missingCount\n    missingPercent\n    distinctCount\n    min\n    max\n    mean\n    std\n    minText\n    maxText\n    histogram {\n      lower\n      upper\n      count\n    }\n    topValues {\n      value\n      count\n    }\n  }\n": typeof types.ColumnProfileFieldsFragmentDoc,
    "\n  query Dataset($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetSummaryFields\n      contentHash\n      profile {\n        rows\n        profiledAt\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          ...ColumnProfileFields\n        }\n      }\n    }\n  }\n": typeof types.DatasetDocument,
    "\n  mutation UploadDataset($name: String!, $file: Upload!) {\n    uploadDataset(name: $name, file: $file) {\n      ...DatasetSummaryFields\n    }\n  }\n": typeof types.UploadDatasetDocument,
    "\n  mutation DeleteDataset($id: ID!) {\n    deleteDataset(id: $id)\n  }\n": typeof types.DeleteDatasetDocument,
    "\n  query DatasetPreview($id: ID!, $first: Int) {\n    datasetPreview(id: $id, first: $first) {\n      columns\n      rows\n      rowCount\n    }\n  }\n": typeof types.DatasetPreviewDocument,
    "\n  query DemoSetup {\n    demoSetup {\n      step\n      total\n      label\n      done\n      error\n    }\n  }\n": typeof types.DemoSetupDocument,
    "\n  fragment PromotionRequestFields on PromotionRequest {\n    id\n    modelVersionId\n    modelName\n    version\n    stage\n    justification\n    status\n    requestedAt\n    requestedBy\n    expiresAt\n    decidedAt\n    decidedBy\n    comment\n    reportSha256\n    reportId\n    canDecide\n  }\n": typeof types.PromotionRequestFieldsFragmentDoc,
    "\n  query PromotionPolicy {\n    promotionPolicy {\n      productionRequiresApproval\n      stagingRequiresApproval\n      requestTtlHours\n      isDefault\n      updatedAt\n    }\n  }\n": typeof types.PromotionPolicyDocument,
    "\n  query ModelVersionApprovals($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      approvals {\n        ...PromotionRequestFields\n      }\n    }\n  }\n": typeof types.ModelVersionApprovalsDocument,
    "\n  query PromotionRequests($status: PromotionStatus, $first: Int!, $after: String) {\n    promotionRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...PromotionRequestFields\n        }\n      }\n    }\n  }\n": typeof types.PromotionRequestsDocument,
    "\n  query PendingPromotionCount {\n    pendingPromotionCount\n  }\n": typeof types.PendingPromotionCountDocument,
    "\n  subscription PromotionRequestEvents {\n    promotionRequests {\n      type\n      pendingCount\n      request {\n        ...PromotionRequestFields\n      }\n    }\n  }\n": typeof types.PromotionRequestEventsDocument,
    "\n  mutation RequestPromotion($input: RequestPromotionInput!) {\n    requestPromotion(input: $input) {\n      ...PromotionRequestFields\n    }\n  }\n": typeof types.RequestPromotionDocument,
    "\n  mutation DecidePromotion($id: ID!, $approve: Boolean!, $comment: String) {\n    decidePromotion(id: $id, approve: $approve, comment: $comment) {\n      ...PromotionRequestFields\n    }\n  }\n": typeof types.DecidePromotionDocument,
    "\n  mutation WithdrawPromotionRequest($id: ID!) {\n    withdrawPromotionRequest(id: $id) {\n      ...PromotionRequestFields\n    }\n  }\n": typeof types.WithdrawPromotionRequestDocument,
    "\n  fragment BatchPredictionFields on BatchPredictionJob {\n    id\n    status\n    progress\n    rowsScored\n    rowsTotal\n    message\n    error\n    datasetName\n    createdAt\n    finishedAt\n    createdBy\n    outputBytes\n    csvUrl\n    parquetUrl\n  }\n": typeof types.BatchPredictionFieldsFragmentDoc,
    "\n  query BatchPredictions($modelVersionId: ID!, $first: Int!) {\n    batchPredictions(modelVersionId: $modelVersionId, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...BatchPredictionFields\n        }\n      }\n    }\n  }\n": typeof types.BatchPredictionsDocument,
    "\n  mutation StartBatchPrediction($input: StartBatchPredictionInput!) {\n    startBatchPrediction(input: $input) {\n      ...BatchPredictionFields\n    }\n  }\n": typeof types.StartBatchPredictionDocument,
    "\n  mutation CancelBatchPrediction($id: ID!) {\n    cancelBatchPrediction(id: $id) {\n      ...BatchPredictionFields\n    }\n  }\n": typeof types.CancelBatchPredictionDocument,
    "\n  subscription BatchPredictionProgress($jobId: ID!) {\n    batchPredictionProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      rowsScored\n      rowsTotal\n      message\n      error\n      occurredAt\n    }\n  }\n": typeof types.BatchPredictionProgressDocument,
    "\n  fragment ModelReportFields on ModelReport {\n    id\n    modelVersionId\n    generatedAt\n    generatedBy\n    htmlSha256\n    pdfSha256\n    bytes\n    htmlUrl\n    pdfUrl\n  }\n": typeof types.ModelReportFieldsFragmentDoc,
    "\n  query ModelVersionDocumentation($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      intendedUse\n      owner\n      limitations\n      reports(first: 20) {\n        ...ModelReportFields\n      }\n    }\n  }\n": typeof types.ModelVersionDocumentationDocument,
    "\n  mutation SetModelDocumentation($input: SetModelDocumentationInput!) {\n    setModelDocumentation(input: $input) {\n      id\n      intendedUse\n      owner\n      limitations\n    }\n  }\n": typeof types.SetModelDocumentationDocument,
    "\n  mutation GenerateModelReport($modelVersionId: ID!) {\n    generateModelReport(modelVersionId: $modelVersionId) {\n      ...ModelReportFields\n    }\n  }\n": typeof types.GenerateModelReportDocument,
    "\n  query ModelVersionFairness($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      fairness {\n        attribute\n        excludedFromFeatures\n        flagged\n        summary\n        groups {\n          group\n          size\n          tooSmall\n          selectionRate\n          truePositiveRate\n          falsePositiveRate\n          accuracy\n          error\n          meanPrediction\n        }\n        disparities {\n          measure\n          value\n          threshold\n          flagged\n          positiveClass\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionFairnessDocument,
    "\n  query ModelVersionInsights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      metric\n      explanationSummary {\n        method\n        explained\n        rows\n        features {\n          feature\n          meanAbsShap\n        }\n      }\n      trainingJob {\n        id\n        featureImportance {\n          feature\n          importance\n          stddev\n        }\n      }\n      metricIntervals {\n        metric\n        value\n        low\n        high\n        resamples\n      }\n      confusionMatrix {\n        labels\n        matrix\n        threshold\n        positiveClass\n      }\n      partialDependence {\n        feature\n        kind\n        explained\n        points {\n          x\n          y\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionInsightsDocument,
    "\n  fragment ModelVersionSummaryFields on ModelVersion {\n    id\n    modelId\n    modelName\n    version\n    stage\n    stageChangedAt\n    engine\n    taskType\n    target\n    metric\n    higherIsBetter\n    metrics {\n      name\n      value\n    }\n    createdAt\n    createdBy\n    bestModelName\n    servingModel\n    servingReason\n  }\n": typeof types.ModelVersionSummaryFieldsFragmentDoc,
    "\n  query ModelVersions($first: Int!, $after: String, $stage: ModelStage) {\n    modelVersions(first: $first, after: $after, stage: $stage) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ModelVersionSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionsDocument,
    "\n  query ModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      ...ModelVersionSummaryFields\n      predictMsPerRow\n      predictRowsPerSecond\n      features {\n        name\n        type\n      }\n      classes\n      dataset {\n        id\n        name\n      }\n      datasetName\n      datasetContentHash\n      trainingJob {\n        id\n        status\n      }\n      artifactBytes\n    }\n  }\n": typeof types.ModelVersionDocument,
    "\n  mutation PromoteModelVersion($id: ID!, $stage: ModelStage!) {\n    promoteModelVersion(id: $id, stage: $stage) {\n      ...ModelVersionSummaryFields\n    }\n  }\n": typeof types.PromoteModelVersionDocument,
    "\n  mutation Predict($modelVersionId: ID!, $rows: JSON!, $explain: Boolean!) {\n    predict(modelVersionId: $modelVersionId, rows: $rows, explain: $explain) {\n      predictions\n      probabilities\n      scores\n      target\n      positiveClass\n      warnings {\n        row\n        feature\n        kind\n        message\n      }\n      explanations {\n        baseValue\n        output\n        explained\n        method\n        contributions {\n          feature\n          value\n          contribution\n        }\n      }\n    }\n  }\n": typeof types.PredictDocument,
    "\n  fragment ModelHealthFields on ModelHealth {\n    modelVersionId\n    window\n    since\n    hasReference\n    status\n    predictions\n    latestWindowStart\n    metric\n    outcomes\n    drift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    predictionDrift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    performance {\n      name\n      value\n    }\n    estimatedPerformance {\n      name\n      value\n    }\n    referencePerformance {\n      name\n      value\n    }\n    thresholds {\n      psiWarn\n      psiAlert\n      minRows\n    }\n    windows {\n      start\n      end\n      predictions\n      calls\n      failed\n      errorRate\n      latencyP50Ms\n      latencyP99Ms\n      status\n      predictionPsi\n      outcomes\n      drift {\n        feature\n        psi\n        status\n      }\n      performance {\n        name\n        value\n      }\n      estimatedPerformance {\n        name\n        value\n      }\n    }\n  }\n": typeof types.ModelHealthFieldsFragmentDoc,
    "\n  query ModelHealth($modelVersionId: ID!, $window: HealthWindow!) {\n    modelHealth(modelVersionId: $modelVersionId, window: $window) {\n      ...ModelHealthFields\n    }\n  }\n": typeof types.ModelHealthDocument,
    "\n  mutation RefreshModelHealth($modelVersionId: ID!) {\n    refreshModelHealth(modelVersionId: $modelVersionId) {\n      ...ModelHealthFields\n    }\n  }\n": typeof types.RefreshModelHealthDocument,
    "\n  query ModelOpenAlerts($status: AlertStatus!, $modelVersionId: ID!) {\n    alerts(status: $status, first: 100, modelVersionId: $modelVersionId) {\n      totalCount\n      edges {\n        node {\n          id\n          modelVersionId\n          kind\n          feature\n          metric\n          severity\n          status\n          comparison\n          value\n          threshold\n          window\n          windowStart\n          createdAt\n          lastSeenAt\n        }\n      }\n    }\n  }\n": typeof types.ModelOpenAlertsDocument,
    "\n  fragment LeaderboardEntryFields on LeaderboardEntry {\n    rank\n    modelName\n    scoreValidation\n    fitTimeSeconds\n    predictTimeSeconds\n    scoreHoldout\n    predictMsPerRow\n    rowsPerSecond\n    served\n    refitModelName\n    finalFit\n  }\n": typeof types.LeaderboardEntryFieldsFragmentDoc,
    "\n  fragment TrainingJobSummaryFields on TrainingJob {\n    id\n    status\n    progress\n    message\n    modelName\n    dataset {\n      id\n    }\n    datasetName\n    target\n    requestedTaskType\n    taskType\n    metric\n    higherIsBetter\n    engine\n    timeBudgetSeconds\n    createdAt\n    createdBy\n    leaderboard {\n      ...LeaderboardEntryFields\n    }\n  }\n": typeof types.TrainingJobSummaryFieldsFragmentDoc,
    "\n  query TrainingJobs($first: Int!, $after: String, $status: JobStatus) {\n    trainingJobs(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TrainingJobSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.TrainingJobsDocument,
    "\n  query TrainingJob($id: ID!) {\n    trainingJob(id: $id) {\n      ...TrainingJobSummaryFields\n      error\n      errorCode\n      excludedColumns\n      servingChoice\n      droppedColumns {\n        column\n        reason\n      }\n      attempt\n      maxAttempts\n      startedAt\n      finishedAt\n      featureImportance {\n        feature\n        importance\n        stddev\n      }\n      metrics {\n        name\n        value\n      }\n      modelVersion {\n        id\n        modelName\n        version\n        stage\n      }\n    }\n  }\n": typeof types.TrainingJobDocument,
    "\n  subscription TrainingProgress($jobId: ID!) {\n    trainingProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      message\n      error\n      leaderboard {\n        ...LeaderboardEntryFields\n      }\n      modelVersionId\n      occurredAt\n    }\n  }\n": typeof types.TrainingProgressDocument,
    "\n  query TrainingOptions {\n    trainingOptions {\n      limits {\n        minBudgetSeconds\n        maxBudgetSeconds\n        maxConcurrentJobs\n      }\n      metrics {\n        name\n        description\n        higherIsBetter\n        taskTypes\n      }\n      defaultMetrics\n      engines\n    }\n  }\n": typeof types.TrainingOptionsDocument,
    "\n  query TrainingDatasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          name\n          status\n          rowCount\n          columnCount\n        }\n      }\n    }\n  }\n": typeof types.TrainingDatasetsDocument,
    "\n  query TrainingDataset($id: ID!) {\n    dataset(id: $id) {\n      id\n      name\n      status\n      profile {\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          name\n          type\n          distinctCount\n          missingPercent\n        }\n      }\n    }\n  }\n": typeof types.TrainingDatasetDocument,
    "\n  mutation StartTraining($input: StartTrainingInput!) {\n    startTraining(input: $input) {\n      ...TrainingJobSummaryFields\n    }\n  }\n": typeof types.StartTrainingDocument,
    "\n  mutation CancelTraining($id: ID!) {\n    cancelTraining(id: $id) {\n      id\n      status\n      progress\n      message\n      error\n      errorCode\n      finishedAt\n    }\n  }\n": typeof types.CancelTrainingDocument,
};
const documents: Documents = {
    "\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiTokenFieldsFragmentDoc,
    "\n  query AdminApiTokens($first: Int!, $after: String) {\n    viewer {\n      id\n      apiTokens(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...ApiTokenFields\n          }\n        }\n      }\n    }\n  }\n": types.AdminApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  query OrgApiTokens($first: Int!, $after: String, $includeRevoked: Boolean!) {\n    apiTokens(first: $first, after: $after, includeRevoked: $includeRevoked) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApiTokenFields\n          owner {\n            id\n            email\n            displayName\n          }\n        }\n      }\n    }\n  }\n": types.OrgApiTokensDocument,
    "\n  fragment MemberFields on Member {\n    id\n    email\n    displayName\n    roles\n    status\n    lastLoginAt\n    joinedAt\n    signInMethods\n  }\n": types.MemberFieldsFragmentDoc,
    "\n  query AdminMembers($first: Int!, $after: String, $search: String, $status: MemberStatus) {\n    viewer {\n      id\n    }\n    members(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n": types.AdminMembersDocument,
    "\n  query AdminRoleOptions {\n    roles {\n      name\n      description\n      builtIn\n      permissions\n    }\n  }\n": types.AdminRoleOptionsDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      inviteUrl\n      expiresAt\n      member {\n        ...MemberFields\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation SetMemberRoles($input: SetMemberRolesInput!) {\n    setMemberRoles(input: $input) {\n      ...MemberFields\n    }\n  }\n": types.SetMemberRolesDocument,
    "\n  mutation DeactivateMember($userId: ID!) {\n    deactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n": types.DeactivateMemberDocument,
    "\n  mutation ReactivateMember($userId: ID!) {\n    reactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n": types.ReactivateMemberDocument,
    "\n  fragment PromotionPolicyFields on PromotionPolicy {\n    productionRequiresApproval\n    stagingRequiresApproval\n    requestTtlHours\n    isDefault\n    updatedAt\n  }\n": types.PromotionPolicyFieldsFragmentDoc,
    "\n  query AdminPromotionPolicy {\n    promotionPolicy {\n      ...PromotionPolicyFields\n    }\n  }\n": types.AdminPromotionPolicyDocument,
    "\n  mutation SetPromotionPolicy($input: SetPromotionPolicyInput!) {\n    setPromotionPolicy(input: $input) {\n      ...PromotionPolicyFields\n    }\n  }\n": types.SetPromotionPolicyDocument,
    "\n  fragment RoleFields on RoleDefinition {\n    name\n    description\n    builtIn\n    permissions\n    memberCount\n  }\n": types.RoleFieldsFragmentDoc,
    "\n  query AdminRoles {\n    roles {\n      ...RoleFields\n    }\n    permissions {\n      name\n      resource\n      action\n      description\n    }\n  }\n": types.AdminRolesDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RoleFields\n    }\n  }\n": types.CreateRoleDocument,
    "\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RoleFields\n    }\n  }\n": types.UpdateRoleDocument,
    "\n  mutation DeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n": types.DeleteRoleDocument,
    "\n  fragment OidcConfigFields on OidcConfig {\n    issuer\n    clientId\n    clientSecretSet\n    scopes\n    allowedEmailDomains\n    defaultRole\n    roleClaim\n    roleMapping {\n      claimValue\n      roles\n    }\n    ssoRequired\n    redirectUri\n    loginUrl\n    updatedAt\n  }\n": types.OidcConfigFieldsFragmentDoc,
    "\n  query AdminOidcConfig {\n    viewer {\n      id\n      tenant {\n        id\n        slug\n      }\n    }\n    oidcConfig {\n      ...OidcConfigFields\n    }\n  }\n": types.AdminOidcConfigDocument,
    "\n  mutation ConfigureOidc($input: ConfigureOidcInput!) {\n    configureOidc(input: $input) {\n      ...OidcConfigFields\n    }\n  }\n": types.ConfigureOidcDocument,
    "\n  mutation RemoveOidcConfig {\n    removeOidcConfig\n  }\n": types.RemoveOidcConfigDocument,
    "\n  subscription TenantEvents($topics: [String!]) {\n    tenantEvents(topics: $topics) {\n      topic\n      occurredAt\n      payload\n    }\n  }\n": types.TenantEventsDocument,
    "\n  query Webhooks($first: Int!, $after: String) {\n    webhooks(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          url\n          events\n          createdAt\n        }\n      }\n    }\n  }\n": types.WebhooksDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n        url\n        events\n        createdAt\n      }\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": types.DeleteWebhookDocument,
    "\n  query WebhookDeliveries($webhookId: ID!, $first: Int!, $after: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          eventId\n          event\n          status\n          attempts\n          lastStatusCode\n          lastError\n          nextAttemptAt\n          deliveredAt\n          createdAt\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  fragment AlertFields on Alert {\n    id\n    modelVersionId\n    kind\n    feature\n    metric\n    severity\n    status\n    comparison\n    value\n    threshold\n    window\n    windowStart\n    count\n    createdAt\n    lastSeenAt\n    acknowledgedAt\n    acknowledgeComment\n    acknowledgedBy\n    resolvedAt\n    resolveComment\n    resolvedBy\n  }\n": types.AlertFieldsFragmentDoc,
    "\n  query Alerts($status: AlertStatus, $first: Int!, $after: String) {\n    alerts(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n": types.AlertsDocument,
    "\n  mutation AcknowledgeAlert($id: ID!, $comment: String) {\n    acknowledgeAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n": types.AcknowledgeAlertDocument,
    "\n  mutation ResolveAlert($id: ID!, $comment: String) {\n    resolveAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n": types.ResolveAlertDocument,
    "\n  subscription AlertEvents {\n    alerts {\n      type\n      alert {\n        ...AlertFields\n      }\n    }\n  }\n": types.AlertEventsDocument,
    "\n  query AlertModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      modelName\n      version\n    }\n  }\n": types.AlertModelVersionDocument,
    "\n  query AppViewer {\n    viewer {\n      id\n      email\n      displayName\n      roles\n      authMethod\n      permissions\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n": types.AppViewerDocument,
    "\n  fragment AuditEventFields on AuditEvent {\n    id\n    seq\n    occurredAt\n    action\n    actionLabel\n    outcome\n    resourceType\n    resourceId\n    resource {\n      type\n      id\n      name\n      path\n    }\n    requestId\n    detailsState\n    details\n    actor {\n      type\n      userId\n      label\n      displayName\n      erased\n    }\n    personalData {\n      subjectId\n      data\n      erased\n    }\n  }\n": types.AuditEventFieldsFragmentDoc,
    "\n  query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n": types.AuditEventsDocument,
    "\n  fragment CheckpointFields on AuditCheckpoint {\n    seq\n    headHash\n    signedAt\n    keyId\n  }\n": types.CheckpointFieldsFragmentDoc,
    "\n  query AuditChain {\n    auditChain {\n      events\n      signingKeyIds\n      latestCheckpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n": types.AuditChainDocument,
    "\n  mutation VerifyAuditChain {\n    verifyAuditChain {\n      ok\n      events\n      firstBadSeq\n      reason\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n": types.VerifyAuditChainDocument,
    "\n  mutation ExportAuditLog($input: ExportAuditLogInput) {\n    exportAuditLog(input: $input) {\n      filename\n      content\n      fromSeq\n      toSeq\n      events\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n": types.ExportAuditLogDocument,
    "\n  query AuditActionLabels {\n    auditActionLabels {\n      code\n      label\n    }\n  }\n": types.AuditActionLabelsDocument,
    "\n  query AuditPeople($search: String) {\n    members(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          displayName\n          email\n        }\n      }\n    }\n  }\n": types.AuditPeopleDocument,
    "\n  fragment DataSubjectRequestFields on DataSubjectRequest {\n    id\n    kind\n    status\n    subjectId\n    subjectKind\n    subjectEmail\n    identifierColumn\n    identifierValue\n    reason\n    requestedBy\n    decidedBy\n    decidedAt\n    decisionNote\n    executedBy\n    executedAt\n    createdAt\n    report\n    reportJsonUrl\n    reportCsvUrl\n    matches {\n      searchedAt\n      predictionRows\n      predictionBatches\n      datasets {\n        datasetId\n        name\n        versionNumber\n        rows\n      }\n      modelVersions {\n        modelVersionId\n        model\n        version\n        rows\n      }\n    }\n    modelsToRetrain {\n      modelVersionId\n      model\n      version\n      stage\n      datasetName\n    }\n  }\n": types.DataSubjectRequestFieldsFragmentDoc,
    "\n  query DataSubjectRequests($first: Int!, $after: String) {\n    viewer {\n      id\n    }\n    dataSubjectRequests(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DataSubjectRequestFields\n        }\n      }\n    }\n  }\n": types.DataSubjectRequestsDocument,
    "\n  mutation CreateDataSubjectRequest($input: CreateDataSubjectRequestInput!) {\n    createDataSubjectRequest(input: $input) {\n      ...DataSubjectRequestFields\n    }\n  }\n": types.CreateDataSubjectRequestDocument,
    "\n  mutation ApproveDataSubjectRequest($id: ID!, $note: String) {\n    approveDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n": types.ApproveDataSubjectRequestDocument,
    "\n  mutation RejectDataSubjectRequest($id: ID!, $note: String) {\n    rejectDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n": types.RejectDataSubjectRequestDocument,
    "\n  mutation ExecuteDataSubjectRequest($id: ID!) {\n    executeDataSubjectRequest(id: $id) {\n      ...DataSubjectRequestFields\n    }\n  }\n": types.ExecuteDataSubjectRequestDocument,
    "\n  fragment RetentionPolicyFields on AuditRetentionPolicy {\n    detailsDays\n    updatedAt\n    purgedThroughSeq\n  }\n": types.RetentionPolicyFieldsFragmentDoc,
    "\n  query AuditRetentionPolicy {\n    auditRetentionPolicy {\n      ...RetentionPolicyFields\n    }\n  }\n": types.AuditRetentionPolicyDocument,
    "\n  query AuditPurgeHistory {\n    auditPurgeHistory(first: 20) {\n      at\n      throughSeq\n      purged\n      cutoff\n      detailsDays\n    }\n    auditRetentionSchedule {\n      intervalSeconds\n      lastRunAt\n      nextRunAt\n    }\n  }\n": types.AuditPurgeHistoryDocument,
    "\n  query PredictionLogRetention {\n    predictionLogRetention {\n      days\n      defaultDays\n    }\n  }\n": types.PredictionLogRetentionDocument,
    "\n  mutation SetPredictionLogRetention($days: Int) {\n    setPredictionLogRetention(days: $days) {\n      days\n      defaultDays\n    }\n  }\n": types.SetPredictionLogRetentionDocument,
    "\n  mutation SetAuditRetentionPolicy($detailsDays: Int) {\n    setAuditRetentionPolicy(detailsDays: $detailsDays) {\n      ...RetentionPolicyFields\n    }\n  }\n": types.SetAuditRetentionPolicyDocument,
    "\n  fragment DatasetSummaryFields on Dataset {\n    id\n    name\n    status\n    error\n    sourceFormat\n    originalFilename\n    sizeBytes\n    rowCount\n    columnCount\n    createdAt\n    createdBy\n  }\n": types.DatasetSummaryFieldsFragmentDoc,
    "\n  query Datasets($first: Int!, $after: String, $search: String) {\n    datasets(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DatasetSummaryFields\n        }\n      }\n    }\n  }\n": types.DatasetsDocument,
    "\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missingCount\n    missingPercent\n    distinctCount\n    min\n    max\n    mean\n    std\n    minText\n    maxText\n    histogram {\n      lower\n      upper\n      count\n    }\n    topValues {\n      value\n      count\n    }\n  }\n": types.ColumnProfileFieldsFragmentDoc,
    "\n  query Dataset($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetSummaryFields\n      contentHash\n      profile {\n        rows\n        profiledAt\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          ...ColumnProfileFields\n        }\n      }\n    }\n  }\n": types.DatasetDocument,
    "\n  mutation UploadDataset($name: String!, $file: Upload!) {\n    uploadDataset(name: $name, file: $file) {\n      ...DatasetSummaryFields\n    }\n  }\n": types.UploadDatasetDocument,
    "\n  mutation DeleteDataset($id: ID!) {\n    deleteDataset(id: $id)\n  }\n": types.DeleteDatasetDocument,
    "\n  query DatasetPreview($id: ID!, $first: Int) {\n    datasetPreview(id: $id, first: $first) {\n      columns\n      rows\n      rowCount\n    }\n  }\n": types.DatasetPreviewDocument,
    "\n  query DemoSetup {\n    demoSetup {\n      step\n      total\n      label\n      done\n      error\n    }\n  }\n": types.DemoSetupDocument,
    "\n  fragment PromotionRequestFields on PromotionRequest {\n    id\n    modelVersionId\n    modelName\n    version\n    stage\n    justification\n    status\n    requestedAt\n    requestedBy\n    expiresAt\n    decidedAt\n    decidedBy\n    comment\n    reportSha256\n    reportId\n    canDecide\n  }\n": types.PromotionRequestFieldsFragmentDoc,
    "\n  query PromotionPolicy {\n    promotionPolicy {\n      productionRequiresApproval\n      stagingRequiresApproval\n      requestTtlHours\n      isDefault\n      updatedAt\n    }\n  }\n": types.PromotionPolicyDocument,
    "\n  query ModelVersionApprovals($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      approvals {\n        ...PromotionRequestFields\n      }\n    }\n  }\n": types.ModelVersionApprovalsDocument,
    "\n  query PromotionRequests($status: PromotionStatus, $first: Int!, $after: String) {\n    promotionRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...PromotionRequestFields\n        }\n      }\n    }\n  }\n": types.PromotionRequestsDocument,
    "\n  query PendingPromotionCount {\n    pendingPromotionCount\n  }\n": types.PendingPromotionCountDocument,
    "\n  subscription PromotionRequestEvents {\n    promotionRequests {\n      type\n      pendingCount\n      request {\n        ...PromotionRequestFields\n      }\n    }\n  }\n": types.PromotionRequestEventsDocument,
    "\n  mutation RequestPromotion($input: RequestPromotionInput!) {\n    requestPromotion(input: $input) {\n      ...PromotionRequestFields\n    }\n  }\n": types.RequestPromotionDocument,
    "\n  mutation DecidePromotion($id: ID!, $approve: Boolean!, $comment: String) {\n    decidePromotion(id: $id, approve: $approve, comment: $comment) {\n      ...PromotionRequestFields\n    }\n  }\n": types.DecidePromotionDocument,
    "\n  mutation WithdrawPromotionRequest($id: ID!) {\n    withdrawPromotionRequest(id: $id) {\n      ...PromotionRequestFields\n    }\n  }\n": types.WithdrawPromotionRequestDocument,
    "\n  fragment BatchPredictionFields on BatchPredictionJob {\n    id\n    status\n    progress\n    rowsScored\n    rowsTotal\n    message\n    error\n    datasetName\n    createdAt\n    finishedAt\n    createdBy\n    outputBytes\n    csvUrl\n    parquetUrl\n  }\n": types.BatchPredictionFieldsFragmentDoc,
    "\n  query BatchPredictions($modelVersionId: ID!, $first: Int!) {\n    batchPredictions(modelVersionId: $modelVersionId, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...BatchPredictionFields\n        }\n      }\n    }\n  }\n": types.BatchPredictionsDocument,
    "\n  mutation StartBatchPrediction($input: StartBatchPredictionInput!) {\n    startBatchPrediction(input: $input) {\n      ...BatchPredictionFields\n    }\n  }\n": types.StartBatchPredictionDocument,
    "\n  mutation CancelBatchPrediction($id: ID!) {\n    cancelBatchPrediction(id: $id) {\n      ...BatchPredictionFields\n    }\n  }\n": types.CancelBatchPredictionDocument,
    "\n  subscription BatchPredictionProgress($jobId: ID!) {\n    batchPredictionProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      rowsScored\n      rowsTotal\n      message\n      error\n      occurredAt\n    }\n  }\n": types.BatchPredictionProgressDocument,
    "\n  fragment ModelReportFields on ModelReport {\n    id\n    modelVersionId\n    generatedAt\n    generatedBy\n    htmlSha256\n    pdfSha256\n    bytes\n    htmlUrl\n    pdfUrl\n  }\n": types.ModelReportFieldsFragmentDoc,
    "\n  query ModelVersionDocumentation($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      intendedUse\n      owner\n      limitations\n      reports(first: 20) {\n        ...ModelReportFields\n      }\n    }\n  }\n": types.ModelVersionDocumentationDocument,
    "\n  mutation SetModelDocumentation($input: SetModelDocumentationInput!) {\n    setModelDocumentation(input: $input) {\n      id\n      intendedUse\n      owner\n      limitations\n    }\n  }\n": types.SetModelDocumentationDocument,
    "\n  mutation GenerateModelReport($modelVersionId: ID!) {\n    generateModelReport(modelVersionId: $modelVersionId) {\n      ...ModelReportFields\n    }\n  }\n": types.GenerateModelReportDocument,
    "\n  query ModelVersionFairness($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      fairness {\n        attribute\n        excludedFromFeatures\n        flagged\n        summary\n        groups {\n          group\n          size\n          tooSmall\n          selectionRate\n          truePositiveRate\n          falsePositiveRate\n          accuracy\n          error\n          meanPrediction\n        }\n        disparities {\n          measure\n          value\n          threshold\n          flagged\n          positiveClass\n        }\n      }\n    }\n  }\n": types.ModelVersionFairnessDocument,
    "\n  query ModelVersionInsights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      metric\n      explanationSummary {\n        method\n        explained\n        rows\n        features {\n          feature\n          meanAbsShap\n        }\n      }\n      trainingJob {\n        id\n        featureImportance {\n          feature\n          importance\n          stddev\n        }\n      }\n      metricIntervals {\n        metric\n        value\n        low\n        high\n        resamples\n      }\n      confusionMatrix {\n        labels\n        matrix\n        threshold\n        positiveClass\n      }\n      partialDependence {\n        feature\n        kind\n        explained\n        points {\n          x\n          y\n        }\n      }\n    }\n  }\n": types.ModelVersionInsightsDocument,
    "\n  fragment ModelVersionSummaryFields on ModelVersion {\n    id\n    modelId\n    modelName\n    version\n    stage\n    stageChangedAt\n    engine\n    taskType\n    target\n    metric\n    higherIsBetter\n    metrics {\n      name\n      value\n    }\n    createdAt\n    createdBy\n    bestModelName\n    servingModel\n    servingReason\n  }\n": types.ModelVersionSummaryFieldsFragmentDoc,
    "\n  query ModelVersions($first: Int!, $after: String, $stage: ModelStage) {\n    modelVersions(first: $first, after: $after, stage: $stage) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ModelVersionSummaryFields\n        }\n      }\n    }\n  }\n": types.ModelVersionsDocument,
    "\n  query ModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      ...ModelVersionSummaryFields\n      predictMsPerRow\n      predictRowsPerSecond\n      features {\n        name\n        type\n      }\n      classes\n      dataset {\n        id\n        name\n      }\n      datasetName\n      datasetContentHash\n      trainingJob {\n        id\n        status\n      }\n      artifactBytes\n    }\n  }\n": types.ModelVersionDocument,
    "\n  mutation PromoteModelVersion($id: ID!, $stage: ModelStage!) {\n    promoteModelVersion(id: $id, stage: $stage) {\n      ...ModelVersionSummaryFields\n    }\n  }\n": types.PromoteModelVersionDocument,
    "\n  mutation Predict($modelVersionId: ID!, $rows: JSON!, $explain: Boolean!) {\n    predict(modelVersionId: $modelVersionId, rows: $rows, explain: $explain) {\n      predictions\n      probabilities\n      scores\n      target\n      positiveClass\n      warnings {\n        row\n        feature\n        kind\n        message\n      }\n      explanations {\n        baseValue\n        output\n        explained\n        method\n        contributions {\n          feature\n          value\n          contribution\n        }\n      }\n    }\n  }\n": types.PredictDocument,
    "\n  fragment ModelHealthFields on ModelHealth {\n    modelVersionId\n    window\n    since\n    hasReference\n    status\n    predictions\n    latestWindowStart\n    metric\n    outcomes\n    drift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    predictionDrift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    performance {\n      name\n      value\n    }\n    estimatedPerformance {\n      name\n      value\n    }\n    referencePerformance {\n      name\n      value\n    }\n    thresholds {\n      psiWarn\n      psiAlert\n      minRows\n    }\n    windows {\n      start\n      end\n      predictions\n      calls\n      failed\n      errorRate\n      latencyP50Ms\n      latencyP99Ms\n      status\n      predictionPsi\n      outcomes\n      drift {\n        feature\n        psi\n        status\n      }\n      performance {\n        name\n        value\n      }\n      estimatedPerformance {\n        name\n        value\n      }\n    }\n  }\n": types.ModelHealthFieldsFragmentDoc,
    "\n  query ModelHealth($modelVersionId: ID!, $window: HealthWindow!) {\n    modelHealth(modelVersionId: $modelVersionId, window: $window) {\n      ...ModelHealthFields\n    }\n  }\n": types.ModelHealthDocument,
    "\n  mutation RefreshModelHealth($modelVersionId: ID!) {\n    refreshModelHealth(modelVersionId: $modelVersionId) {\n      ...ModelHealthFields\n    }\n  }\n": types.RefreshModelHealthDocument,
    "\n  query ModelOpenAlerts($status: AlertStatus!, $modelVersionId: ID!) {\n    alerts(status: $status, first: 100, modelVersionId: $modelVersionId) {\n      totalCount\n      edges {\n        node {\n          id\n          modelVersionId\n          kind\n          feature\n          metric\n          severity\n          status\n          comparison\n          value\n          threshold\n          window\n          windowStart\n          createdAt\n          lastSeenAt\n        }\n      }\n    }\n  }\n": types.ModelOpenAlertsDocument,
    "\n  fragment LeaderboardEntryFields on LeaderboardEntry {\n    rank\n    modelName\n    scoreValidation\n    fitTimeSeconds\n    predictTimeSeconds\n    scoreHoldout\n    predictMsPerRow\n    rowsPerSecond\n    served\n    refitModelName\n    finalFit\n  }\n": types.LeaderboardEntryFieldsFragmentDoc,
    "\n  fragment TrainingJobSummaryFields on TrainingJob {\n    id\n    status\n    progress\n    message\n    modelName\n    dataset {\n      id\n    }\n    datasetName\n    target\n    requestedTaskType\n    taskType\n    metric\n    higherIsBetter\n    engine\n    timeBudgetSeconds\n    createdAt\n    createdBy\n    leaderboard {\n      ...LeaderboardEntryFields\n    }\n  }\n": types.TrainingJobSummaryFieldsFragmentDoc,
    "\n  query TrainingJobs($first: Int!, $after: String, $status: JobStatus) {\n    trainingJobs(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TrainingJobSummaryFields\n        }\n      }\n    }\n  }\n": types.TrainingJobsDocument,
    "\n  query TrainingJob($id: ID!) {\n    trainingJob(id: $id) {\n      ...TrainingJobSummaryFields\n      error\n      errorCode\n      excludedColumns\n      servingChoice\n      droppedColumns {\n        column\n        reason\n      }\n      attempt\n      maxAttempts\n      startedAt\n      finishedAt\n      featureImportance {\n        feature\n        importance\n        stddev\n      }\n      metrics {\n        name\n        value\n      }\n      modelVersion {\n        id\n        modelName\n        version\n        stage\n      }\n    }\n  }\n": types.TrainingJobDocument,
    "\n  subscription TrainingProgress($jobId: ID!) {\n    trainingProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      message\n      error\n      leaderboard {\n        ...LeaderboardEntryFields\n      }\n      modelVersionId\n      occurredAt\n    }\n  }\n": types.TrainingProgressDocument,
    "\n  query TrainingOptions {\n    trainingOptions {\n      limits {\n        minBudgetSeconds\n        maxBudgetSeconds\n        maxConcurrentJobs\n      }\n      metrics {\n        name\n        description\n        higherIsBetter\n        taskTypes\n      }\n      defaultMetrics\n      engines\n    }\n  }\n": types.TrainingOptionsDocument,
    "\n  query TrainingDatasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          name\n          status\n          rowCount\n          columnCount\n        }\n      }\n    }\n  }\n": types.TrainingDatasetsDocument,
    "\n  query TrainingDataset($id: ID!) {\n    dataset(id: $id) {\n      id\n      name\n      status\n      profile {\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          name\n          type\n          distinctCount\n          missingPercent\n        }\n      }\n    }\n  }\n": types.TrainingDatasetDocument,
    "\n  mutation StartTraining($input: StartTrainingInput!) {\n    startTraining(input: $input) {\n      ...TrainingJobSummaryFields\n    }\n  }\n": types.StartTrainingDocument,
    "\n  mutation CancelTraining($id: ID!) {\n    cancelTraining(id: $id) {\n      id\n      status\n      progress\n      message\n      error\n      errorCode\n      finishedAt\n    }\n  }\n": types.CancelTrainingDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiTokenFields on ApiToken {\n    id\n    name\n    prefix\n    scopes\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminApiTokens($first: Int!, $after: String) {\n    viewer {\n      id\n      apiTokens(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...ApiTokenFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminApiTokens($first: Int!, $after: String) {\n    viewer {\n      id\n      apiTokens(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            ...ApiTokenFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        ...ApiTokenFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      ...ApiTokenFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrgApiTokens($first: Int!, $after: String, $includeRevoked: Boolean!) {\n    apiTokens(first: $first, after: $after, includeRevoked: $includeRevoked) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApiTokenFields\n          owner {\n            id\n            email\n            displayName\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OrgApiTokens($first: Int!, $after: String, $includeRevoked: Boolean!) {\n    apiTokens(first: $first, after: $after, includeRevoked: $includeRevoked) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApiTokenFields\n          owner {\n            id\n            email\n            displayName\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberFields on Member {\n    id\n    email\n    displayName\n    roles\n    status\n    lastLoginAt\n    joinedAt\n    signInMethods\n  }\n"): (typeof documents)["\n  fragment MemberFields on Member {\n    id\n    email\n    displayName\n    roles\n    status\n    lastLoginAt\n    joinedAt\n    signInMethods\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminMembers($first: Int!, $after: String, $search: String, $status: MemberStatus) {\n    viewer {\n      id\n    }\n    members(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminMembers($first: Int!, $after: String, $search: String, $status: MemberStatus) {\n    viewer {\n      id\n    }\n    members(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminRoleOptions {\n    roles {\n      name\n      description\n      builtIn\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query AdminRoleOptions {\n    roles {\n      name\n      description\n      builtIn\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      inviteUrl\n      expiresAt\n      member {\n        ...MemberFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      inviteUrl\n      expiresAt\n      member {\n        ...MemberFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetMemberRoles($input: SetMemberRolesInput!) {\n    setMemberRoles(input: $input) {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetMemberRoles($input: SetMemberRolesInput!) {\n    setMemberRoles(input: $input) {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateMember($userId: ID!) {\n    deactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateMember($userId: ID!) {\n    deactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReactivateMember($userId: ID!) {\n    reactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  mutation ReactivateMember($userId: ID!) {\n    reactivateMember(userId: $userId) {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PromotionPolicyFields on PromotionPolicy {\n    productionRequiresApproval\n    stagingRequiresApproval\n    requestTtlHours\n    isDefault\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment PromotionPolicyFields on PromotionPolicy {\n    productionRequiresApproval\n    stagingRequiresApproval\n    requestTtlHours\n    isDefault\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminPromotionPolicy {\n    promotionPolicy {\n      ...PromotionPolicyFields\n    }\n  }\n"): (typeof documents)["\n  query AdminPromotionPolicy {\n    promotionPolicy {\n      ...PromotionPolicyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPromotionPolicy($input: SetPromotionPolicyInput!) {\n    setPromotionPolicy(input: $input) {\n      ...PromotionPolicyFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetPromotionPolicy($input: SetPromotionPolicyInput!) {\n    setPromotionPolicy(input: $input) {\n      ...PromotionPolicyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoleFields on RoleDefinition {\n    name\n    description\n    builtIn\n    permissions\n    memberCount\n  }\n"): (typeof documents)["\n  fragment RoleFields on RoleDefinition {\n    name\n    description\n    builtIn\n    permissions\n    memberCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminRoles {\n    roles {\n      ...RoleFields\n    }\n    permissions {\n      name\n      resource\n      action\n      description\n    }\n  }\n"): (typeof documents)["\n  query AdminRoles {\n    roles {\n      ...RoleFields\n    }\n    permissions {\n      name\n      resource\n      action\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RoleFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RoleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RoleFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RoleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n"): (typeof documents)["\n  mutation DeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OidcConfigFields on OidcConfig {\n    issuer\n    clientId\n    clientSecretSet\n    scopes\n    allowedEmailDomains\n    defaultRole\n    roleClaim\n    roleMapping {\n      claimValue\n      roles\n    }\n    ssoRequired\n    redirectUri\n    loginUrl\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment OidcConfigFields on OidcConfig {\n    issuer\n    clientId\n    clientSecretSet\n    scopes\n    allowedEmailDomains\n    defaultRole\n    roleClaim\n    roleMapping {\n      claimValue\n      roles\n    }\n    ssoRequired\n    redirectUri\n    loginUrl\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminOidcConfig {\n    viewer {\n      id\n      tenant {\n        id\n        slug\n      }\n    }\n    oidcConfig {\n      ...OidcConfigFields\n    }\n  }\n"): (typeof documents)["\n  query AdminOidcConfig {\n    viewer {\n      id\n      tenant {\n        id\n        slug\n      }\n    }\n    oidcConfig {\n      ...OidcConfigFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfigureOidc($input: ConfigureOidcInput!) {\n    configureOidc(input: $input) {\n      ...OidcConfigFields\n    }\n  }\n"): (typeof documents)["\n  mutation ConfigureOidc($input: ConfigureOidcInput!) {\n    configureOidc(input: $input) {\n      ...OidcConfigFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveOidcConfig {\n    removeOidcConfig\n  }\n"): (typeof documents)["\n  mutation RemoveOidcConfig {\n    removeOidcConfig\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TenantEvents($topics: [String!]) {\n    tenantEvents(topics: $topics) {\n      topic\n      occurredAt\n      payload\n    }\n  }\n"): (typeof documents)["\n  subscription TenantEvents($topics: [String!]) {\n    tenantEvents(topics: $topics) {\n      topic\n      occurredAt\n      payload\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks($first: Int!, $after: String) {\n    webhooks(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          url\n          events\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Webhooks($first: Int!, $after: String) {\n    webhooks(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          url\n          events\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n        url\n        events\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n        url\n        events\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($webhookId: ID!, $first: Int!, $after: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          eventId\n          event\n          status\n          attempts\n          lastStatusCode\n          lastError\n          nextAttemptAt\n          deliveredAt\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($webhookId: ID!, $first: Int!, $after: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          eventId\n          event\n          status\n          attempts\n          lastStatusCode\n          lastError\n          nextAttemptAt\n          deliveredAt\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertFields on Alert {\n    id\n    modelVersionId\n    kind\n    feature\n    metric\n    severity\n    status\n    comparison\n    value\n    threshold\n    window\n    windowStart\n    count\n    createdAt\n    lastSeenAt\n    acknowledgedAt\n    acknowledgeComment\n    acknowledgedBy\n    resolvedAt\n    resolveComment\n    resolvedBy\n  }\n"): (typeof documents)["\n  fragment AlertFields on Alert {\n    id\n    modelVersionId\n    kind\n    feature\n    metric\n    severity\n    status\n    comparison\n    value\n    threshold\n    window\n    windowStart\n    count\n    createdAt\n    lastSeenAt\n    acknowledgedAt\n    acknowledgeComment\n    acknowledgedBy\n    resolvedAt\n    resolveComment\n    resolvedBy\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Alerts($status: AlertStatus, $first: Int!, $after: String) {\n    alerts(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Alerts($status: AlertStatus, $first: Int!, $after: String) {\n    alerts(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AlertFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeAlert($id: ID!, $comment: String) {\n    acknowledgeAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeAlert($id: ID!, $comment: String) {\n    acknowledgeAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveAlert($id: ID!, $comment: String) {\n    resolveAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveAlert($id: ID!, $comment: String) {\n    resolveAlert(id: $id, comment: $comment) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertEvents {\n    alerts {\n      type\n      alert {\n        ...AlertFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AlertEvents {\n    alerts {\n      type\n      alert {\n        ...AlertFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      modelName\n      version\n    }\n  }\n"): (typeof documents)["\n  query AlertModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      modelName\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AppViewer {\n    viewer {\n      id\n      email\n      displayName\n      roles\n      authMethod\n      permissions\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query AppViewer {\n    viewer {\n      id\n      email\n      displayName\n      roles\n      authMethod\n      permissions\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEventFields on AuditEvent {\n    id\n    seq\n    occurredAt\n    action\n    actionLabel\n    outcome\n    resourceType\n    resourceId\n    resource {\n      type\n      id\n      name\n      path\n    }\n    requestId\n    detailsState\n    details\n    actor {\n      type\n      userId\n      label\n      displayName\n      erased\n    }\n    personalData {\n      subjectId\n      data\n      erased\n    }\n  }\n"): (typeof documents)["\n  fragment AuditEventFields on AuditEvent {\n    id\n    seq\n    occurredAt\n    action\n    actionLabel\n    outcome\n    resourceType\n    resourceId\n    resource {\n      type\n      id\n      name\n      path\n    }\n    requestId\n    detailsState\n    details\n    actor {\n      type\n      userId\n      label\n      displayName\n      erased\n    }\n    personalData {\n      subjectId\n      data\n      erased\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CheckpointFields on AuditCheckpoint {\n    seq\n    headHash\n    signedAt\n    keyId\n  }\n"): (typeof documents)["\n  fragment CheckpointFields on AuditCheckpoint {\n    seq\n    headHash\n    signedAt\n    keyId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditChain {\n    auditChain {\n      events\n      signingKeyIds\n      latestCheckpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditChain {\n    auditChain {\n      events\n      signingKeyIds\n      latestCheckpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyAuditChain {\n    verifyAuditChain {\n      ok\n      events\n      firstBadSeq\n      reason\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyAuditChain {\n    verifyAuditChain {\n      ok\n      events\n      firstBadSeq\n      reason\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExportAuditLog($input: ExportAuditLogInput) {\n    exportAuditLog(input: $input) {\n      filename\n      content\n      fromSeq\n      toSeq\n      events\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ExportAuditLog($input: ExportAuditLogInput) {\n    exportAuditLog(input: $input) {\n      filename\n      content\n      fromSeq\n      toSeq\n      events\n      checkpoint {\n        ...CheckpointFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditActionLabels {\n    auditActionLabels {\n      code\n      label\n    }\n  }\n"): (typeof documents)["\n  query AuditActionLabels {\n    auditActionLabels {\n      code\n      label\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditPeople($search: String) {\n    members(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          displayName\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditPeople($search: String) {\n    members(first: 8, search: $search) {\n      edges {\n        node {\n          id\n          displayName\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DataSubjectRequestFields on DataSubjectRequest {\n    id\n    kind\n    status\n    subjectId\n    subjectKind\n    subjectEmail\n    identifierColumn\n    identifierValue\n    reason\n    requestedBy\n    decidedBy\n    decidedAt\n    decisionNote\n    executedBy\n    executedAt\n    createdAt\n    report\n    reportJsonUrl\n    reportCsvUrl\n    matches {\n      searchedAt\n      predictionRows\n      predictionBatches\n      datasets {\n        datasetId\n        name\n        versionNumber\n        rows\n      }\n      modelVersions {\n        modelVersionId\n        model\n        version\n        rows\n      }\n    }\n    modelsToRetrain {\n      modelVersionId\n      model\n      version\n      stage\n      datasetName\n    }\n  }\n"): (typeof documents)["\n  fragment DataSubjectRequestFields on DataSubjectRequest {\n    id\n    kind\n    status\n    subjectId\n    subjectKind\n    subjectEmail\n    identifierColumn\n    identifierValue\n    reason\n    requestedBy\n    decidedBy\n    decidedAt\n    decisionNote\n    executedBy\n    executedAt\n    createdAt\n    report\n    reportJsonUrl\n    reportCsvUrl\n    matches {\n      searchedAt\n      predictionRows\n      predictionBatches\n      datasets {\n        datasetId\n        name\n        versionNumber\n        rows\n      }\n      modelVersions {\n        modelVersionId\n        model\n        version\n        rows\n      }\n    }\n    modelsToRetrain {\n      modelVersionId\n      model\n      version\n      stage\n      datasetName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DataSubjectRequests($first: Int!, $after: String) {\n    viewer {\n      id\n    }\n    dataSubjectRequests(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DataSubjectRequestFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DataSubjectRequests($first: Int!, $after: String) {\n    viewer {\n      id\n    }\n    dataSubjectRequests(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DataSubjectRequestFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDataSubjectRequest($input: CreateDataSubjectRequestInput!) {\n    createDataSubjectRequest(input: $input) {\n      ...DataSubjectRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDataSubjectRequest($input: CreateDataSubjectRequestInput!) {\n    createDataSubjectRequest(input: $input) {\n      ...DataSubjectRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveDataSubjectRequest($id: ID!, $note: String) {\n    approveDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveDataSubjectRequest($id: ID!, $note: String) {\n    approveDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectDataSubjectRequest($id: ID!, $note: String) {\n    rejectDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation RejectDataSubjectRequest($id: ID!, $note: String) {\n    rejectDataSubjectRequest(id: $id, note: $note) {\n      ...DataSubjectRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExecuteDataSubjectRequest($id: ID!) {\n    executeDataSubjectRequest(id: $id) {\n      ...DataSubjectRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation ExecuteDataSubjectRequest($id: ID!) {\n    executeDataSubjectRequest(id: $id) {\n      ...DataSubjectRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RetentionPolicyFields on AuditRetentionPolicy {\n    detailsDays\n    updatedAt\n    purgedThroughSeq\n  }\n"): (typeof documents)["\n  fragment RetentionPolicyFields on AuditRetentionPolicy {\n    detailsDays\n    updatedAt\n    purgedThroughSeq\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditRetentionPolicy {\n    auditRetentionPolicy {\n      ...RetentionPolicyFields\n    }\n  }\n"): (typeof documents)["\n  query AuditRetentionPolicy {\n    auditRetentionPolicy {\n      ...RetentionPolicyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditPurgeHistory {\n    auditPurgeHistory(first: 20) {\n      at\n      throughSeq\n      purged\n      cutoff\n      detailsDays\n    }\n    auditRetentionSchedule {\n      intervalSeconds\n      lastRunAt\n      nextRunAt\n    }\n  }\n"): (typeof documents)["\n  query AuditPurgeHistory {\n    auditPurgeHistory(first: 20) {\n      at\n      throughSeq\n      purged\n      cutoff\n      detailsDays\n    }\n    auditRetentionSchedule {\n      intervalSeconds\n      lastRunAt\n      nextRunAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PredictionLogRetention {\n    predictionLogRetention {\n      days\n      defaultDays\n    }\n  }\n"): (typeof documents)["\n  query PredictionLogRetention {\n    predictionLogRetention {\n      days\n      defaultDays\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPredictionLogRetention($days: Int) {\n    setPredictionLogRetention(days: $days) {\n      days\n      defaultDays\n    }\n  }\n"): (typeof documents)["\n  mutation SetPredictionLogRetention($days: Int) {\n    setPredictionLogRetention(days: $days) {\n      days\n      defaultDays\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetAuditRetentionPolicy($detailsDays: Int) {\n    setAuditRetentionPolicy(detailsDays: $detailsDays) {\n      ...RetentionPolicyFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetAuditRetentionPolicy($detailsDays: Int) {\n    setAuditRetentionPolicy(detailsDays: $detailsDays) {\n      ...RetentionPolicyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DatasetSummaryFields on Dataset {\n    id\n    name\n    status\n    error\n    sourceFormat\n    originalFilename\n    sizeBytes\n    rowCount\n    columnCount\n    createdAt\n    createdBy\n  }\n"): (typeof documents)["\n  fragment DatasetSummaryFields on Dataset {\n    id\n    name\n    status\n    error\n    sourceFormat\n    originalFilename\n    sizeBytes\n    rowCount\n    columnCount\n    createdAt\n    createdBy\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Datasets($first: Int!, $after: String, $search: String) {\n    datasets(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DatasetSummaryFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Datasets($first: Int!, $after: String, $search: String) {\n    datasets(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DatasetSummaryFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missingCount\n    missingPercent\n    distinctCount\n    min\n    max\n    mean\n    std\n    minText\n    maxText\n    histogram {\n      lower\n      upper\n      count\n    }\n    topValues {\n      value\n      count\n    }\n  }\n"): (typeof documents)["\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missingCount\n    missingPercent\n    distinctCount\n    min\n    max\n    mean\n    std\n    minText\n    maxText\n    histogram {\n      lower\n      upper\n      count\n    }\n    topValues {\n      value\n      count\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dataset($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetSummaryFields\n      contentHash\n      profile {\n        rows\n        profiledAt\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          ...ColumnProfileFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dataset($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetSummaryFields\n      contentHash\n      profile {\n        rows\n        profiledAt\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          ...ColumnProfileFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadDataset($name: String!, $file: Upload!) {\n    uploadDataset(name: $name, file: $file) {\n      ...DatasetSummaryFields\n    }\n  }\n"): (typeof documents)["\n  mutation UploadDataset($name: String!, $file: Upload!) {\n    uploadDataset(name: $name, file: $file) {\n      ...DatasetSummaryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteDataset($id: ID!) {\n    deleteDataset(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteDataset($id: ID!) {\n    deleteDataset(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetPreview($id: ID!, $first: Int) {\n    datasetPreview(id: $id, first: $first) {\n      columns\n      rows\n      rowCount\n    }\n  }\n"): (typeof documents)["\n  query DatasetPreview($id: ID!, $first: Int) {\n    datasetPreview(id: $id, first: $first) {\n      columns\n      rows\n      rowCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoSetup {\n    demoSetup {\n      step\n      total\n      label\n      done\n      error\n    }\n  }\n"): (typeof documents)["\n  query DemoSetup {\n    demoSetup {\n      step\n      total\n      label\n      done\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PromotionRequestFields on PromotionRequest {\n    id\n    modelVersionId\n    modelName\n    version\n    stage\n    justification\n    status\n    requestedAt\n    requestedBy\n    expiresAt\n    decidedAt\n    decidedBy\n    comment\n    reportSha256\n    reportId\n    canDecide\n  }\n"): (typeof documents)["\n  fragment PromotionRequestFields on PromotionRequest {\n    id\n    modelVersionId\n    modelName\n    version\n    stage\n    justification\n    status\n    requestedAt\n    requestedBy\n    expiresAt\n    decidedAt\n    decidedBy\n    comment\n    reportSha256\n    reportId\n    canDecide\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromotionPolicy {\n    promotionPolicy {\n      productionRequiresApproval\n      stagingRequiresApproval\n      requestTtlHours\n      isDefault\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  query PromotionPolicy {\n    promotionPolicy {\n      productionRequiresApproval\n      stagingRequiresApproval\n      requestTtlHours\n      isDefault\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersionApprovals($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      approvals {\n        ...PromotionRequestFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersionApprovals($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      approvals {\n        ...PromotionRequestFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromotionRequests($status: PromotionStatus, $first: Int!, $after: String) {\n    promotionRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...PromotionRequestFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PromotionRequests($status: PromotionStatus, $first: Int!, $after: String) {\n    promotionRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...PromotionRequestFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PendingPromotionCount {\n    pendingPromotionCount\n  }\n"): (typeof documents)["\n  query PendingPromotionCount {\n    pendingPromotionCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PromotionRequestEvents {\n    promotionRequests {\n      type\n      pendingCount\n      request {\n        ...PromotionRequestFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription PromotionRequestEvents {\n    promotionRequests {\n      type\n      pendingCount\n      request {\n        ...PromotionRequestFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPromotion($input: RequestPromotionInput!) {\n    requestPromotion(input: $input) {\n      ...PromotionRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation RequestPromotion($input: RequestPromotionInput!) {\n    requestPromotion(input: $input) {\n      ...PromotionRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecidePromotion($id: ID!, $approve: Boolean!, $comment: String) {\n    decidePromotion(id: $id, approve: $approve, comment: $comment) {\n      ...PromotionRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation DecidePromotion($id: ID!, $approve: Boolean!, $comment: String) {\n    decidePromotion(id: $id, approve: $approve, comment: $comment) {\n      ...PromotionRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawPromotionRequest($id: ID!) {\n    withdrawPromotionRequest(id: $id) {\n      ...PromotionRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation WithdrawPromotionRequest($id: ID!) {\n    withdrawPromotionRequest(id: $id) {\n      ...PromotionRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BatchPredictionFields on BatchPredictionJob {\n    id\n    status\n    progress\n    rowsScored\n    rowsTotal\n    message\n    error\n    datasetName\n    createdAt\n    finishedAt\n    createdBy\n    outputBytes\n    csvUrl\n    parquetUrl\n  }\n"): (typeof documents)["\n  fragment BatchPredictionFields on BatchPredictionJob {\n    id\n    status\n    progress\n    rowsScored\n    rowsTotal\n    message\n    error\n    datasetName\n    createdAt\n    finishedAt\n    createdBy\n    outputBytes\n    csvUrl\n    parquetUrl\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchPredictions($modelVersionId: ID!, $first: Int!) {\n    batchPredictions(modelVersionId: $modelVersionId, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...BatchPredictionFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BatchPredictions($modelVersionId: ID!, $first: Int!) {\n    batchPredictions(modelVersionId: $modelVersionId, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...BatchPredictionFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartBatchPrediction($input: StartBatchPredictionInput!) {\n    startBatchPrediction(input: $input) {\n      ...BatchPredictionFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartBatchPrediction($input: StartBatchPredictionInput!) {\n    startBatchPrediction(input: $input) {\n      ...BatchPredictionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelBatchPrediction($id: ID!) {\n    cancelBatchPrediction(id: $id) {\n      ...BatchPredictionFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelBatchPrediction($id: ID!) {\n    cancelBatchPrediction(id: $id) {\n      ...BatchPredictionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BatchPredictionProgress($jobId: ID!) {\n    batchPredictionProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      rowsScored\n      rowsTotal\n      message\n      error\n      occurredAt\n    }\n  }\n"): (typeof documents)["\n  subscription BatchPredictionProgress($jobId: ID!) {\n    batchPredictionProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      rowsScored\n      rowsTotal\n      message\n      error\n      occurredAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelReportFields on ModelReport {\n    id\n    modelVersionId\n    generatedAt\n    generatedBy\n    htmlSha256\n    pdfSha256\n    bytes\n    htmlUrl\n    pdfUrl\n  }\n"): (typeof documents)["\n  fragment ModelReportFields on ModelReport {\n    id\n    modelVersionId\n    generatedAt\n    generatedBy\n    htmlSha256\n    pdfSha256\n    bytes\n    htmlUrl\n    pdfUrl\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersionDocumentation($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      intendedUse\n      owner\n      limitations\n      reports(first: 20) {\n        ...ModelReportFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersionDocumentation($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      intendedUse\n      owner\n      limitations\n      reports(first: 20) {\n        ...ModelReportFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetModelDocumentation($input: SetModelDocumentationInput!) {\n    setModelDocumentation(input: $input) {\n      id\n      intendedUse\n      owner\n      limitations\n    }\n  }\n"): (typeof documents)["\n  mutation SetModelDocumentation($input: SetModelDocumentationInput!) {\n    setModelDocumentation(input: $input) {\n      id\n      intendedUse\n      owner\n      limitations\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateModelReport($modelVersionId: ID!) {\n    generateModelReport(modelVersionId: $modelVersionId) {\n      ...ModelReportFields\n    }\n  }\n"): (typeof documents)["\n  mutation GenerateModelReport($modelVersionId: ID!) {\n    generateModelReport(modelVersionId: $modelVersionId) {\n      ...ModelReportFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersionFairness($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      fairness {\n        attribute\n        excludedFromFeatures\n        flagged\n        summary\n        groups {\n          group\n          size\n          tooSmall\n          selectionRate\n          truePositiveRate\n          falsePositiveRate\n          accuracy\n          error\n          meanPrediction\n        }\n        disparities {\n          measure\n          value\n          threshold\n          flagged\n          positiveClass\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersionFairness($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      fairness {\n        attribute\n        excludedFromFeatures\n        flagged\n        summary\n        groups {\n          group\n          size\n          tooSmall\n          selectionRate\n          truePositiveRate\n          falsePositiveRate\n          accuracy\n          error\n          meanPrediction\n        }\n        disparities {\n          measure\n          value\n          threshold\n          flagged\n          positiveClass\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersionInsights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      metric\n      explanationSummary {\n        method\n        explained\n        rows\n        features {\n          feature\n          meanAbsShap\n        }\n      }\n      trainingJob {\n        id\n        featureImportance {\n          feature\n          importance\n          stddev\n        }\n      }\n      metricIntervals {\n        metric\n        value\n        low\n        high\n        resamples\n      }\n      confusionMatrix {\n        labels\n        matrix\n        threshold\n        positiveClass\n      }\n      partialDependence {\n        feature\n        kind\n        explained\n        points {\n          x\n          y\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersionInsights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      taskType\n      metric\n      explanationSummary {\n        method\n        explained\n        rows\n        features {\n          feature\n          meanAbsShap\n        }\n      }\n      trainingJob {\n        id\n        featureImportance {\n          feature\n          importance\n          stddev\n        }\n      }\n      metricIntervals {\n        metric\n        value\n        low\n        high\n        resamples\n      }\n      confusionMatrix {\n        labels\n        matrix\n        threshold\n        positiveClass\n      }\n      partialDependence {\n        feature\n        kind\n        explained\n        points {\n          x\n          y\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelVersionSummaryFields on ModelVersion {\n    id\n    modelId\n    modelName\n    version\n    stage\n    stageChangedAt\n    engine\n    taskType\n    target\n    metric\n    higherIsBetter\n    metrics {\n      name\n      value\n    }\n    createdAt\n    createdBy\n    bestModelName\n    servingModel\n    servingReason\n  }\n"): (typeof documents)["\n  fragment ModelVersionSummaryFields on ModelVersion {\n    id\n    modelId\n    modelName\n    version\n    stage\n    stageChangedAt\n    engine\n    taskType\n    target\n    metric\n    higherIsBetter\n    metrics {\n      name\n      value\n    }\n    createdAt\n    createdBy\n    bestModelName\n    servingModel\n    servingReason\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersions($first: Int!, $after: String, $stage: ModelStage) {\n    modelVersions(first: $first, after: $after, stage: $stage) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ModelVersionSummaryFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersions($first: Int!, $after: String, $stage: ModelStage) {\n    modelVersions(first: $first, after: $after, stage: $stage) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ModelVersionSummaryFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      ...ModelVersionSummaryFields\n      predictMsPerRow\n      predictRowsPerSecond\n      features {\n        name\n        type\n      }\n      classes\n      dataset {\n        id\n        name\n      }\n      datasetName\n      datasetContentHash\n      trainingJob {\n        id\n        status\n      }\n      artifactBytes\n    }\n  }\n"): (typeof documents)["\n  query ModelVersion($id: ID!) {\n    modelVersion(id: $id) {\n      ...ModelVersionSummaryFields\n      predictMsPerRow\n      predictRowsPerSecond\n      features {\n        name\n        type\n      }\n      classes\n      dataset {\n        id\n        name\n      }\n      datasetName\n      datasetContentHash\n      trainingJob {\n        id\n        status\n      }\n      artifactBytes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromoteModelVersion($id: ID!, $stage: ModelStage!) {\n    promoteModelVersion(id: $id, stage: $stage) {\n      ...ModelVersionSummaryFields\n    }\n  }\n"): (typeof documents)["\n  mutation PromoteModelVersion($id: ID!, $stage: ModelStage!) {\n    promoteModelVersion(id: $id, stage: $stage) {\n      ...ModelVersionSummaryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Predict($modelVersionId: ID!, $rows: JSON!, $explain: Boolean!) {\n    predict(modelVersionId: $modelVersionId, rows: $rows, explain: $explain) {\n      predictions\n      probabilities\n      scores\n      target\n      positiveClass\n      warnings {\n        row\n        feature\n        kind\n        message\n      }\n      explanations {\n        baseValue\n        output\n        explained\n        method\n        contributions {\n          feature\n          value\n          contribution\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Predict($modelVersionId: ID!, $rows: JSON!, $explain: Boolean!) {\n    predict(modelVersionId: $modelVersionId, rows: $rows, explain: $explain) {\n      predictions\n      probabilities\n      scores\n      target\n      positiveClass\n      warnings {\n        row\n        feature\n        kind\n        message\n      }\n      explanations {\n        baseValue\n        output\n        explained\n        method\n        contributions {\n          feature\n          value\n          contribution\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelHealthFields on ModelHealth {\n    modelVersionId\n    window\n    since\n    hasReference\n    status\n    predictions\n    latestWindowStart\n    metric\n    outcomes\n    drift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    predictionDrift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    performance {\n      name\n      value\n    }\n    estimatedPerformance {\n      name\n      value\n    }\n    referencePerformance {\n      name\n      value\n    }\n    thresholds {\n      psiWarn\n      psiAlert\n      minRows\n    }\n    windows {\n      start\n      end\n      predictions\n      calls\n      failed\n      errorRate\n      latencyP50Ms\n      latencyP99Ms\n      status\n      predictionPsi\n      outcomes\n      drift {\n        feature\n        psi\n        status\n      }\n      performance {\n        name\n        value\n      }\n      estimatedPerformance {\n        name\n        value\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ModelHealthFields on ModelHealth {\n    modelVersionId\n    window\n    since\n    hasReference\n    status\n    predictions\n    latestWindowStart\n    metric\n    outcomes\n    drift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    predictionDrift {\n      feature\n      kind\n      psi\n      distance\n      distanceName\n      status\n      importance\n      rows\n      bins {\n        label\n        referenceShare\n        currentShare\n      }\n    }\n    performance {\n      name\n      value\n    }\n    estimatedPerformance {\n      name\n      value\n    }\n    referencePerformance {\n      name\n      value\n    }\n    thresholds {\n      psiWarn\n      psiAlert\n      minRows\n    }\n    windows {\n      start\n      end\n      predictions\n      calls\n      failed\n      errorRate\n      latencyP50Ms\n      latencyP99Ms\n      status\n      predictionPsi\n      outcomes\n      drift {\n        feature\n        psi\n        status\n      }\n      performance {\n        name\n        value\n      }\n      estimatedPerformance {\n        name\n        value\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelHealth($modelVersionId: ID!, $window: HealthWindow!) {\n    modelHealth(modelVersionId: $modelVersionId, window: $window) {\n      ...ModelHealthFields\n    }\n  }\n"): (typeof documents)["\n  query ModelHealth($modelVersionId: ID!, $window: HealthWindow!) {\n    modelHealth(modelVersionId: $modelVersionId, window: $window) {\n      ...ModelHealthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshModelHealth($modelVersionId: ID!) {\n    refreshModelHealth(modelVersionId: $modelVersionId) {\n      ...ModelHealthFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshModelHealth($modelVersionId: ID!) {\n    refreshModelHealth(modelVersionId: $modelVersionId) {\n      ...ModelHealthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelOpenAlerts($status: AlertStatus!, $modelVersionId: ID!) {\n    alerts(status: $status, first: 100, modelVersionId: $modelVersionId) {\n      totalCount\n      edges {\n        node {\n          id\n          modelVersionId\n          kind\n          feature\n          metric\n          severity\n          status\n          comparison\n          value\n          threshold\n          window\n          windowStart\n          createdAt\n          lastSeenAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelOpenAlerts($status: AlertStatus!, $modelVersionId: ID!) {\n    alerts(status: $status, first: 100, modelVersionId: $modelVersionId) {\n      totalCount\n      edges {\n        node {\n          id\n          modelVersionId\n          kind\n          feature\n          metric\n          severity\n          status\n          comparison\n          value\n          threshold\n          window\n          windowStart\n          createdAt\n          lastSeenAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LeaderboardEntryFields on LeaderboardEntry {\n    rank\n    modelName\n    scoreValidation\n    fitTimeSeconds\n    predictTimeSeconds\n    scoreHoldout\n    predictMsPerRow\n    rowsPerSecond\n    served\n    refitModelName\n    finalFit\n  }\n"): (typeof documents)["\n  fragment LeaderboardEntryFields on LeaderboardEntry {\n    rank\n    modelName\n    scoreValidation\n    fitTimeSeconds\n    predictTimeSeconds\n    scoreHoldout\n    predictMsPerRow\n    rowsPerSecond\n    served\n    refitModelName\n    finalFit\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TrainingJobSummaryFields on TrainingJob {\n    id\n    status\n    progress\n    message\n    modelName\n    dataset {\n      id\n    }\n    datasetName\n    target\n    requestedTaskType\n    taskType\n    metric\n    higherIsBetter\n    engine\n    timeBudgetSeconds\n    createdAt\n    createdBy\n    leaderboard {\n      ...LeaderboardEntryFields\n    }\n  }\n"): (typeof documents)["\n  fragment TrainingJobSummaryFields on TrainingJob {\n    id\n    status\n    progress\n    message\n    modelName\n    dataset {\n      id\n    }\n    datasetName\n    target\n    requestedTaskType\n    taskType\n    metric\n    higherIsBetter\n    engine\n    timeBudgetSeconds\n    createdAt\n    createdBy\n    leaderboard {\n      ...LeaderboardEntryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingJobs($first: Int!, $after: String, $status: JobStatus) {\n    trainingJobs(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TrainingJobSummaryFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingJobs($first: Int!, $after: String, $status: JobStatus) {\n    trainingJobs(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TrainingJobSummaryFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingJob($id: ID!) {\n    trainingJob(id: $id) {\n      ...TrainingJobSummaryFields\n      error\n      errorCode\n      excludedColumns\n      servingChoice\n      droppedColumns {\n        column\n        reason\n      }\n      attempt\n      maxAttempts\n      startedAt\n      finishedAt\n      featureImportance {\n        feature\n        importance\n        stddev\n      }\n      metrics {\n        name\n        value\n      }\n      modelVersion {\n        id\n        modelName\n        version\n        stage\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingJob($id: ID!) {\n    trainingJob(id: $id) {\n      ...TrainingJobSummaryFields\n      error\n      errorCode\n      excludedColumns\n      servingChoice\n      droppedColumns {\n        column\n        reason\n      }\n      attempt\n      maxAttempts\n      startedAt\n      finishedAt\n      featureImportance {\n        feature\n        importance\n        stddev\n      }\n      metrics {\n        name\n        value\n      }\n      modelVersion {\n        id\n        modelName\n        version\n        stage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TrainingProgress($jobId: ID!) {\n    trainingProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      message\n      error\n      leaderboard {\n        ...LeaderboardEntryFields\n      }\n      modelVersionId\n      occurredAt\n    }\n  }\n"): (typeof documents)["\n  subscription TrainingProgress($jobId: ID!) {\n    trainingProgress(jobId: $jobId) {\n      jobId\n      sequence\n      status\n      progress\n      message\n      error\n      leaderboard {\n        ...LeaderboardEntryFields\n      }\n      modelVersionId\n      occurredAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingOptions {\n    trainingOptions {\n      limits {\n        minBudgetSeconds\n        maxBudgetSeconds\n        maxConcurrentJobs\n      }\n      metrics {\n        name\n        description\n        higherIsBetter\n        taskTypes\n      }\n      defaultMetrics\n      engines\n    }\n  }\n"): (typeof documents)["\n  query TrainingOptions {\n    trainingOptions {\n      limits {\n        minBudgetSeconds\n        maxBudgetSeconds\n        maxConcurrentJobs\n      }\n      metrics {\n        name\n        description\n        higherIsBetter\n        taskTypes\n      }\n      defaultMetrics\n      engines\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingDatasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          name\n          status\n          rowCount\n          columnCount\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingDatasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          name\n          status\n          rowCount\n          columnCount\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingDataset($id: ID!) {\n    dataset(id: $id) {\n      id\n      name\n      status\n      profile {\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          name\n          type\n          distinctCount\n          missingPercent\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingDataset($id: ID!) {\n    dataset(id: $id) {\n      id\n      name\n      status\n      profile {\n        suggestedTargets {\n          column\n          taskType\n          reason\n        }\n        columns {\n          name\n          type\n          distinctCount\n          missingPercent\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTraining($input: StartTrainingInput!) {\n    startTraining(input: $input) {\n      ...TrainingJobSummaryFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartTraining($input: StartTrainingInput!) {\n    startTraining(input: $input) {\n      ...TrainingJobSummaryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTraining($id: ID!) {\n    cancelTraining(id: $id) {\n      id\n      status\n      progress\n      message\n      error\n      errorCode\n      finishedAt\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTraining($id: ID!) {\n    cancelTraining(id: $id) {\n      id\n      status\n      progress\n      message\n      error\n      errorCode\n      finishedAt\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;