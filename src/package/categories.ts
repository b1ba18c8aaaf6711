/**
 * The package categories known to Elastic's registry (`categories/categories.yml`; docs/http-api.md §5.3):
 * titles and parents. Package-level categories not in this table are dropped from package documents;
 * `/categories` titles an unknown id (e.g. a policy template's `compute`) with the id itself.
 */
export interface CategoryInfo {
  title: string;
  parent_id?: string;
  parent_title?: string;
}

export const CATEGORIES: Record<string, CategoryInfo> = Object.freeze({
  aws: { title: "AWS" },
  azure: { title: "Azure" },
  cloud: { title: "Cloud" },
  config_management: { title: "Config management" },
  containers: { title: "Containers" },
  crm: { title: "CRM" },
  datastore: { title: "Database" },
  elastic_stack: { title: "Elastic Stack" },
  elasticsearch_sdk: { title: "Elasticsearch SDK" },
  google_cloud: { title: "Google Cloud" },
  infrastructure: { title: "Infrastructure" },
  languages: { title: "Languages" },
  network: { title: "Network" },
  opentelemetry: { title: "OpenTelemetry" },
  os_system: { title: "Operating Systems" },
  productivity: { title: "Productivity" },
  support: { title: "Support" },
  ticketing: { title: "Ticketing" },
  version_control: { title: "Version Control" },
  custom: { title: "Custom" },
  custom_logs: { title: "Custom Logs", parent_id: 'custom', parent_title: "Custom" },
  enterprise_search: { title: "Enterprise Search" },
  app_search: { title: "Application Search", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  connector: { title: "Connector", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  connector_client: { title: "Connector Client", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  connector_package: { title: "Connector Package", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  content_source: { title: "Content Source", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  crawler: { title: "Crawler", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  language_client: { title: "Language Client", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  native_search: { title: "Native Search", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  sdk_search: { title: "SDK", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  workplace_search: { title: "Workplace Search", parent_id: 'enterprise_search', parent_title: "Enterprise Search" },
  observability: { title: "Observability" },
  application_observability: { title: "Application", parent_id: 'observability', parent_title: "Observability" },
  analytics_engine: { title: "Analytics Engine", parent_id: 'observability', parent_title: "Observability" },
  big_data: { title: "Big Data", parent_id: 'observability', parent_title: "Observability" },
  java_observability: { title: "Java", parent_id: 'observability', parent_title: "Observability" },
  kubernetes: { title: "Kubernetes", parent_id: 'observability', parent_title: "Observability" },
  load_balancer: { title: "Load Balancer", parent_id: 'observability', parent_title: "Observability" },
  message_queue: { title: "Message Broker", parent_id: 'observability', parent_title: "Observability" },
  monitoring: { title: "Monitoring", parent_id: 'observability', parent_title: "Observability" },
  notification: { title: "Notification", parent_id: 'observability', parent_title: "Observability" },
  process_manager: { title: "Process Manager", parent_id: 'observability', parent_title: "Observability" },
  stream_processing: { title: "Stream Processing", parent_id: 'observability', parent_title: "Observability" },
  virtualization: { title: "Virtualization Platform", parent_id: 'observability', parent_title: "Observability" },
  web: { title: "Web Server", parent_id: 'observability', parent_title: "Observability" },
  websphere: { title: "WebSphere Application Server", parent_id: 'observability', parent_title: "Observability" },
  security: { title: "Security" },
  advanced_analytics_ueba: { title: "Advanced Analytics (UEBA)", parent_id: 'security', parent_title: "Security" },
  asset_inventory: { title: "Asset Inventory", parent_id: 'security', parent_title: "Security" },
  auditd: { title: "AuditD", parent_id: 'security', parent_title: "Security" },
  authentication: { title: "Authentication", parent_id: 'security', parent_title: "Security" },
  cdn_security: { title: "Content Delivery Network", parent_id: 'security', parent_title: "Security" },
  cloudsecurity_cdr: { title: "Cloud Security/CDR", parent_id: 'security', parent_title: "Security" },
  credential_management: { title: "Credential Management", parent_id: 'security', parent_title: "Security" },
  database_security: { title: "Database", parent_id: 'security', parent_title: "Security" },
  dns_security: { title: "DNS", parent_id: 'security', parent_title: "Security" },
  edr_xdr: { title: "EDR/XDR", parent_id: 'security', parent_title: "Security" },
  email_security: { title: "Email", parent_id: 'security', parent_title: "Security" },
  firewall_security: { title: "Firewall", parent_id: 'security', parent_title: "Security" },
  iam: { title: "Identity and Access Management", parent_id: 'security', parent_title: "Security" },
  ids_ips: { title: "IDS/IPS", parent_id: 'security', parent_title: "Security" },
  misconfiguration_workflow: { title: "Misconfiguration Workflow", parent_id: 'security', parent_title: "Security" },
  network_security: { title: "Network", parent_id: 'security', parent_title: "Security" },
  productivity_security: { title: "Productivity", parent_id: 'security', parent_title: "Security" },
  proxy_security: { title: "Proxy", parent_id: 'security', parent_title: "Security" },
  siem: { title: "SIEM", parent_id: 'security', parent_title: "Security" },
  threat_intel: { title: "Threat Intelligence", parent_id: 'security', parent_title: "Security" },
  vpn_security: { title: "VPN", parent_id: 'security', parent_title: "Security" },
  vulnerability_management: { title: "Vulnerability Management", parent_id: 'security', parent_title: "Security" },
  vulnerability_workflow: { title: "Vulnerability Workflow", parent_id: 'security', parent_title: "Security" },
  web_application_firewall: { title: "Web Application Firewall", parent_id: 'security', parent_title: "Security" },
}) as Record<string, CategoryInfo>;

/** True if `id` is a known category. */
export function isKnownCategory(id: string): boolean {
  return Object.prototype.hasOwnProperty.call(CATEGORIES, id);
}

/** The title of a category, or the id itself when unknown. */
export function categoryTitle(id: string): string {
  return isKnownCategory(id) ? CATEGORIES[id]!.title : id;
}
