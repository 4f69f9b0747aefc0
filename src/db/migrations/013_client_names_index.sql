-- Bulk client imports refuse a name the tenant already has (case-insensitive); this finds it
-- without reading all of the tenant's clients for every object.
CREATE INDEX clients_tenant_lower_name_idx ON clients (tenant_id, lower(name));
